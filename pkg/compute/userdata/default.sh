#!/bin/bash
# Default application of multi-region-ha: a small HTTP service on Amazon Linux 2023 that implements
# the contract Route 53's failover needs (README, "Custom application") and writes through the
# Aurora global writer endpoint while its region hosts the global primary, or, with
# database.writeForwarding, through its own region's cluster (Aurora forwards the write) while it
# is the secondary. Replace it with `compute.userData` or an AMI of your own.
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
WRITE_FORWARDING=__WRITE_FORWARDING__
REGION_HEADER=__REGION_HEADER__
APP_REGION=$(metadata placement/region)
APP_ZONE=$(metadata placement/availability-zone)
APP_INSTANCE_ID=$(metadata instance-id)
ENV

cat > /opt/webapp/server.py <<'PY'
"""Liveness, global-primary (topology, cached) and a write: through the global writer endpoint while
this region hosts the global primary, forwarded through this region's cluster while it does not."""
import json, os, subprocess, threading, time, uuid
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
# The schema is created once, by the writer, over the global writer endpoint. A forwarded session
# runs only DML: Aurora forwards neither DDL nor sequences (nextval/setval, and so no serial or
# AUTO_INCREMENT key), so the key is a uuid the application generates. The table is not the
# `visits` of earlier versions, whose key was a sequence.
SCHEMA = {
    "postgres": "CREATE TABLE IF NOT EXISTS visit_events (id uuid PRIMARY KEY, region text NOT NULL, "
                "at timestamptz NOT NULL DEFAULT now())",
    "mysql": "CREATE TABLE IF NOT EXISTS visit_events (id CHAR(36) PRIMARY KEY, region VARCHAR(32) NOT NULL, "
             "at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
}
INSERT = "INSERT INTO visit_events (id, region) VALUES ('%s', '%s')"
# Read-your-writes for a forwarded session, set by the session itself (Aurora MySQL forwards nothing
# while aurora_replica_read_consistency is empty; Aurora PostgreSQL forwards only while
# apg_write_forward.consistency_mode is SESSION, EVENTUAL or GLOBAL; both groups set it too).
CONSISTENCY = {
    "postgres": "SET apg_write_forward.consistency_mode = 'SESSION'",
    "mysql": "SET aurora_replica_read_consistency = 'SESSION'",
}
FORWARDING = E.get("WRITE_FORWARDING", "false") == "true"
schema = {"ready": False, "lock": threading.Lock()}
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


def sql(host, statements, timeout=3):
    """Runs statements (one string or a list) in one session on host; returns the first column of every row."""
    d = discover()
    statements = [statements] if isinstance(statements, str) else statements
    if d["engine"] == "postgres":
        cmd = ["psql", "-At", "-v", "ON_ERROR_STOP=1"]
        for statement in statements:  # each -c is its own query, all in one session
            cmd += ["-c", statement]
        cmd.append("host=%s port=%s dbname=%s user=%s sslmode=require connect_timeout=%d" % (host, d["port"], d["dbname"], d["username"], timeout))
        env = dict(E, PGPASSWORD=d["password"])
    else:
        cmd = ["mysql", "-h", host, "-P", str(d["port"]), "-u", d["username"], "-D", d["dbname"], "--ssl",
               "--connect-timeout=%d" % timeout, "-N", "-B", "-e", "; ".join(statements)]
        env = dict(E, MYSQL_PWD=d["password"])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 5, env=env, check=True)
    return [line.split("\t")[0] for line in out.stdout.splitlines() if line.strip()]


def ensure_schema(d):
    """Creates the table once, on the global writer endpoint (only the writer runs DDL)."""
    with schema["lock"]:  # the refresh thread and a request may both get here first
        if not schema["ready"]:
            sql(d["host"], SCHEMA[d["engine"]])
            schema["ready"] = True


def write(d):
    """Records one visit; returns the path it took ("writer" or "forwarded")."""
    row = INSERT % (uuid.uuid4(), REGION)
    secondary = state["primaryRegion"] not in (None, REGION) and time.time() - state["at"] <= HOLD
    if FORWARDING and secondary:
        # This region's cluster forwards DML to the primary: its reader endpoint (a secondary's
        # cluster endpoint is inactive), never a statement Aurora cannot forward.
        sql(d["local"], [CONSISTENCY[d["engine"]], row])
        return "forwarded"
    ensure_schema(d)
    sql(d["host"], row)  # the global writer endpoint
    return "writer"


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
                if claims:  # the writer creates the schema before any forwarded write needs it
                    ensure_schema(d)
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
        # Consume the body, or it would be read as the next request on this keep-alive connection.
        length = int(self.headers.get("Content-Length") or 0)
        if length > 65536:
            self.close_connection = True
        elif length > 0:
            self.rfile.read(length)
        if self.path.split("?", 1)[0] != "/visits":
            return self.send(404, {"error": "not found"})
        try:
            path = write(discover())
            self.send(201, {"recorded": True, "path": path, **WHERE})
        except Exception:
            # Without forwarding the standby's region has no path to the writer: reads work, writes
            # wait for a promotion (or the schema does not exist yet: the writer creates it).
            self.send(503, {"error": "writes are unavailable in %s until it hosts the global primary%s" % (
                REGION, "" if FORWARDING else " (database.writeForwarding is off)"), **WHERE})


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
