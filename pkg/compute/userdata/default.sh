#!/bin/bash
# Default application of multi-region-ha: a small HTTP service on Amazon Linux 2023 that implements
# the contract Route 53's failover needs (README, "Custom application") and writes through the
# Aurora global writer endpoint. Replace it with `compute.userData` or an AMI of your own.
#
# The component fills in its placeholders (listed in the README; your own script may use them too):
# the app port, the liveness and global-primary paths, the topology cache's refresh and hold, and
# where the database and its credentials secret are. The role placeholder is filled in too but
# unused on purpose: a role changes at every failover and a launch template change would roll the
# region that has just taken over. No secret is ever placed in user data.
set -euo pipefail

TOKEN="$(curl -sS --retry 5 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
metadata() { curl -sS --retry 5 -H "X-aws-ec2-metadata-token: ${TOKEN}" "http://169.254.169.254/latest/meta-data/$1"; }

id webapp >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin webapp
install -d -m 0755 /opt/webapp
# Database clients for the topology queries and writes (PostgreSQL or MySQL, found at runtime).
dnf install -y -q postgresql16 mariadb105 || true

cat > /opt/webapp/app.env <<ENV
APP_PORT=__APP_PORT__
HEALTH_CHECK_PATH=__HEALTH_CHECK_PATH__
PRIMARY_PATH=__PRIMARY_PATH__
PRIMARY_REFRESH_SECONDS=__PRIMARY_REFRESH_SECONDS__
PRIMARY_HOLD_SECONDS=__PRIMARY_HOLD_SECONDS__
GLOBAL_CLUSTER_ID=__GLOBAL_CLUSTER_ID__
DB_SECRET_PREFIX=__DB_SECRET_PREFIX__
STACK=__STACK__
REGION_HEADER=__REGION_HEADER__
APP_REGION=$(metadata placement/region)
APP_ZONE=$(metadata placement/availability-zone)
APP_INSTANCE_ID=$(metadata instance-id)
ENV

cat > /opt/webapp/server.py <<'PY'
"""Liveness, global-primary (topology, cached) and a write through the global writer endpoint."""
import json, os, subprocess, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

E = os.environ
REGION, PORT = E["APP_REGION"], int(E["APP_PORT"])
LIVE, PRIMARY, REGION_HEADER = E["HEALTH_CHECK_PATH"], E["PRIMARY_PATH"], E["REGION_HEADER"]
REFRESH, HOLD = int(E["PRIMARY_REFRESH_SECONDS"]), int(E["PRIMARY_HOLD_SECONDS"])
WHERE = {"region": REGION, "availabilityZone": E["APP_ZONE"], "instanceId": E["APP_INSTANCE_ID"]}

# Which region hosts the global cluster's primary cluster, read from the topology views of this
# region's own cluster (any instance answers): never whether this instance can write right now.
TOPOLOGY = {
    "postgres": ["SELECT aws_region FROM aurora_global_db_status() WHERE durability_lag_in_msec = -1",
                 "SELECT aws_region FROM aurora_global_db_instance_status() WHERE session_id = 'MASTER_SESSION_ID'"],
    "mysql": ["SELECT AWS_REGION FROM information_schema.aurora_global_db_status WHERE DURABILITY_LAG_IN_MILLISECONDS = -1",
              "SELECT AWS_REGION FROM information_schema.aurora_global_db_instance_status WHERE SESSION_ID = 'MASTER_SESSION_ID'"],
}
WRITE = {
    "postgres": "CREATE TABLE IF NOT EXISTS visits (id bigserial PRIMARY KEY, region text, at timestamptz DEFAULT now()); "
                "INSERT INTO visits (region) VALUES ('%s')",
    "mysql": "CREATE TABLE IF NOT EXISTS visits (id BIGINT AUTO_INCREMENT PRIMARY KEY, region VARCHAR(32), "
             "at TIMESTAMP DEFAULT CURRENT_TIMESTAMP); INSERT INTO visits (region) VALUES ('%s')",
}
state = {"primary": False, "at": 0.0, "primaryRegion": None, "error": "not checked yet"}
db = {}
# A cluster that left the global database (detached after a failover) may still read itself as the
# primary from its own views. Every MEMBERSHIP s this region's RDS API says whether this region's
# cluster is still a member; only "not a member" vetoes the claim (an API that does not answer, or a
# member list that lags a switchover, never does), so a stale old primary never gets traffic.
MEMBERSHIP = int(E.get("MEMBERSHIP_SECONDS", "30"))
member = {"present": None, "at": -1e9}


def aws(*args):
    out = subprocess.run(["aws", "--region", REGION, "--output", "json", *args],
                         capture_output=True, text=True, timeout=20, check=True)
    return json.loads(out.stdout)


def discover():
    """The credentials (global writer endpoint) and this region's cluster reader endpoint, once."""
    if db:
        return db
    flt = ["Key=name,Values=" + E["DB_SECRET_PREFIX"], "Key=tag-key,Values=Stack", "Key=tag-value,Values=" + E["STACK"]]
    secrets = aws("secretsmanager", "list-secrets", "--filters", *flt)["SecretList"]
    if len(secrets) != 1:
        raise RuntimeError("%d credentials secrets match %s" % (len(secrets), E["DB_SECRET_PREFIX"]))
    cred = json.loads(aws("secretsmanager", "get-secret-value", "--secret-id", secrets[0]["ARN"])["SecretString"])
    members = aws("rds", "describe-global-clusters", "--global-cluster-identifier", E["GLOBAL_CLUSTER_ID"])["GlobalClusters"][0]["GlobalClusterMembers"]
    local = [m["DBClusterArn"] for m in members if m["DBClusterArn"].split(":")[3] == REGION]
    if not local:
        raise RuntimeError("no cluster of %s in %s" % (REGION, E["GLOBAL_CLUSTER_ID"]))
    cluster = aws("rds", "describe-db-clusters", "--db-cluster-identifier", local[0])["DBClusters"][0]
    engine = "postgres" if cred["engine"].startswith("postgres") else "mysql"
    db.update(cred, engine=engine, local=cluster["ReaderEndpoint"])
    return db


def sql(host, statement, timeout=3):
    """Runs statement against host; returns the first column of every row."""
    d = discover()
    if d["engine"] == "postgres":
        cmd = ["psql", "-At", "-v", "ON_ERROR_STOP=1", "-c", statement,
               "host=%s port=%s dbname=%s user=%s sslmode=require connect_timeout=%d" % (host, d["port"], d["dbname"], d["username"], timeout)]
        env = dict(E, PGPASSWORD=d["password"])
    else:
        cmd = ["mysql", "-h", host, "-P", str(d["port"]), "-u", d["username"], "-D", d["dbname"], "--ssl",
               "--connect-timeout=%d" % timeout, "-N", "-B", "-e", statement]
        env = dict(E, MYSQL_PWD=d["password"])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 5, env=env, check=True)
    return [line.split("\t")[0] for line in out.stdout.splitlines() if line.strip()]


def is_member():
    """True/False: this region's cluster is / is not a member of the global cluster; None: unknown."""
    if time.time() - member["at"] >= MEMBERSHIP:
        try:
            members = aws("rds", "describe-global-clusters", "--global-cluster-identifier", E["GLOBAL_CLUSTER_ID"])["GlobalClusters"][0]["GlobalClusterMembers"]
            member["present"] = any(m["DBClusterArn"].split(":")[3] == REGION for m in members)
        except Exception:
            member["present"] = None
        member["at"] = time.time()
    return member["present"]


def refresh_forever():
    """Re-reads the topology every REFRESH s in the background; the path answers from memory."""
    while True:
        try:
            d = discover()
            status, instances = (sql(d["local"], q) for q in TOPOLOGY[d["engine"]])
            # Both views must agree; during a switchover they may not, and the last answer holds.
            if status and instances and status[0] == instances[0]:
                claims = status[0] == REGION and is_member() is not False
                state.update(primary=claims, primaryRegion=status[0], at=time.time(),
                             error=None if claims or status[0] != REGION else "this region's cluster left the global cluster")
            else:
                state["error"] = "topology in transition: %s / %s" % (status, instances)
        except Exception as e:  # keep the last answer through a blip, for at most HOLD seconds
            state["error"] = str(e)[:300]
        time.sleep(REFRESH)


class Handler(BaseHTTPRequestHandler):
    server_version, sys_version, protocol_version = "webapp", "", "HTTP/1.1"

    def send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def end_headers(self):  # every response, http.server's own errors too, names the region
        self.send_header(REGION_HEADER, REGION)
        super().end_headers()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == LIVE:  # the process answers: nothing about the database
            return self.send(200, {"status": "ok", **WHERE})
        if path == PRIMARY:
            fresh = time.time() - state["at"] <= HOLD
            ok = fresh and state["primary"]
            return self.send(200 if ok else 503, {"globalPrimary": ok, "primaryRegion": state["primaryRegion"],
                                                  "checkedSecondsAgo": round(time.time() - state["at"]), **WHERE})
        self.send(200, {"message": "hello from " + REGION, "writes": state["primary"], **WHERE})

    do_HEAD = do_GET

    def do_POST(self):
        if self.path.split("?", 1)[0] != "/visits":
            return self.send(404, {"error": "not found"})
        try:
            d = discover()
            sql(d["host"], WRITE[d["engine"]] % REGION)  # the global writer endpoint
            self.send(201, {"recorded": True, **WHERE})
        except Exception:
            # Before the standby is promoted its region has no path to the writer: reads work, writes do not.
            self.send(503, {"error": "writes are unavailable in %s until it hosts the global primary" % REGION, **WHERE})


threading.Thread(target=refresh_forever, daemon=True).start()
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
