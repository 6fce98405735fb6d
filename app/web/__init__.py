"""What sits between the network and the app: client address, cookies, middleware."""
