# Prometheus' Consul discovery: reads the services, their nodes, and the agent (for the name of
# its datacenter). It changes nothing.
service_prefix "" {
  policy = "read"
}
node_prefix "" {
  policy = "read"
}
agent_prefix "" {
  policy = "read"
}
