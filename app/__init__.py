"""What I Spend: a self-hosted personal expense tracker."""
