#!/bin/bash
# Default application of multi-region-ha: a tiny HTTP service on Amazon Linux 2023 that answers the
# health check path and reports where it runs (region, zone, instance). Replace it with your
# own script through the `compute.userData` config key, or bake your application into an AMI.
#
# The component fills in these placeholders before launch (in your own script too):
#   __APP_PORT__           the port the target group sends traffic to
#   __HEALTH_CHECK_PATH__  the path the target group checks
# (The role placeholder is filled in too, but this script does not use it on purpose: a region's
# role changes at every failover, and a launch template change rolls every instance of the region
# that has just taken over the traffic. The region is what the service reports.)
# No secret is ever placed in user data.
set -euo pipefail

APP_PORT="__APP_PORT__"
HEALTH_CHECK_PATH="__HEALTH_CHECK_PATH__"

# Instance metadata through IMDSv2 (the launch template requires tokens, hop limit 1).
TOKEN="$(curl -sS --retry 5 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
metadata() { curl -sS --retry 5 -H "X-aws-ec2-metadata-token: ${TOKEN}" "http://169.254.169.254/latest/meta-data/$1"; }
REGION="$(metadata placement/region)"
ZONE="$(metadata placement/availability-zone)"
INSTANCE_ID="$(metadata instance-id)"

id webapp >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin webapp
install -d -m 0755 /opt/webapp

cat > /opt/webapp/app.env <<ENV
APP_PORT=${APP_PORT}
HEALTH_CHECK_PATH=${HEALTH_CHECK_PATH}
APP_REGION=${REGION}
APP_ZONE=${ZONE}
APP_INSTANCE_ID=${INSTANCE_ID}
ENV

cat > /opt/webapp/server.py <<'PY'
"""Answers the health check path with 200 and every other GET with where this instance runs."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ["APP_PORT"])
HEALTH = os.environ["HEALTH_CHECK_PATH"]
WHERE = {
    "region": os.environ["APP_REGION"],
    "availabilityZone": os.environ["APP_ZONE"],
    "instanceId": os.environ["APP_INSTANCE_ID"],
}


class Handler(BaseHTTPRequestHandler):
    server_version = "webapp"
    protocol_version = "HTTP/1.1"  # keep-alive towards the ALB
    sys_version = ""

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_GET(self):
        if self.path.split("?", 1)[0] == HEALTH:
            self._send(200, {"status": "ok", **WHERE})
        else:
            self._send(200, {"message": "hello from " + WHERE["region"], **WHERE})

    do_HEAD = do_GET


ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
PY

cat > /etc/systemd/system/webapp.service <<'UNIT'
[Unit]
Description=multi-region-ha default application
Wants=network-online.target
After=network-online.target

[Service]
User=webapp
EnvironmentFile=/opt/webapp/app.env
ExecStart=/usr/bin/python3 /opt/webapp/server.py
Restart=always
RestartSec=2
AmbientCapabilities=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes

[Install]
WantedBy=multi-user.target
UNIT

systemctl daemon-reload
systemctl enable --now webapp.service
