# Every service built on platform-starter: registers and deregisters itself (and its -management
# twin) with its checks, and discovers the others (catalog, health, nodes). Nothing else: no key
# or value, no ACL, no operator endpoint.
service_prefix "" {
  policy = "write"
}
node_prefix "" {
  policy = "read"
}
agent_prefix "" {
  policy = "read"
}
