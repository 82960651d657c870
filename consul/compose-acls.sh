#!/bin/sh
# docker-compose.yml's health check of Consul: healthy once the agent has a leader and the
# platform's ACL policies (consul/policies/) and tokens (their secrets from .env) exist, which it
# makes when they are missing, as the launcher does (a dev agent keeps nothing across restarts).
set -e
export CONSUL_HTTP_TOKEN="$PLATFORM_CONSUL_MANAGEMENT_TOKEN"
wget -qO- http://127.0.0.1:8500/v1/status/leader | grep -q ':'
# grant NAME SECRET: the policy platform-NAME and the token of that policy with SECRET
grant() {
	consul acl policy read -name "platform-$1" >/dev/null 2>&1 \
		|| consul acl policy create -name "platform-$1" -rules "@/platform-consul/policies/platform-$1.hcl" >/dev/null
	CONSUL_HTTP_TOKEN="$2" consul acl token read -self >/dev/null 2>&1 \
		|| consul acl token create -secret "$2" -description "platform $1" -policy-name "platform-$1" >/dev/null
}
grant agent "$PLATFORM_CONSUL_AGENT_TOKEN"
grant services "$PLATFORM_CONSUL_TOKEN"
grant prometheus "$PLATFORM_CONSUL_PROMETHEUS_TOKEN"
