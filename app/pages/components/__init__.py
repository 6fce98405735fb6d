"""Components used by more than one page. A component renders; it never queries the database."""
