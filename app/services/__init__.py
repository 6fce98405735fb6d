"""Every business rule of the product. Plain Python over plain values; never imports nicegui."""
