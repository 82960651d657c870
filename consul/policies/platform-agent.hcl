# The Consul agent itself: its node in the catalog.
node_prefix "" {
  policy = "write"
}
service_prefix "" {
  policy = "read"
}
