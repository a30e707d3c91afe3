"""Failover detector of multi-region-ha: runs every minute in one region and watches the other.

It promotes nothing itself. Each minute it gathers region-level evidence, classifies the minute
with the same rules as pkg/detector/decide.go (Classify; the Go tests run this file on the same
scenario table) and publishes the verdict as CloudWatch metrics in its own region. An N-of-N alarm
on PromoteSignal pages this region's SNS topic and, in `auto`, an EventBridge rule starts this
region's runbook, which promotes only this region.

Evidence, all read-only:
  * the watched region's application, through the CloudFront behaviour pinned to that region's
    origin (PROBE_URL): the ALBs admit only CloudFront, and the probe needs no VPC;
  * AuroraGlobalDBReplicationLag of this region's own cluster, from CloudWatch in this region;
  * this region's role in the global database (DescribeGlobalClusters, this region's RDS API);
  * the watched region's RDS API (DescribeGlobalClusters there): when it answers and shows the global
    cluster available with the watched cluster as writer, the region is not dark and promotion is
    vetoed (page only); when it does not answer, that is no evidence either way;
  * public DNS: the failover origin name (FAILOVER_NAME, origin.<viewer>) compared with this
    region's own origin name (OWN_ORIGIN_NAME): when they share an address, Route 53 answers this
    (the standby) region's ALB, so its checkers all over the world agree the watched region does not
    serve. The only global signal: the others travel from this region towards the watched one, so a
    partition between the two regions fails them all while the world still reaches the watched
    region. A promotion needs it; the probe reaching the watched region while DNS names this one
    pages "switchover recommended" instead;
  * this region's runbook executions (ListExecutions/DescribeExecution): never two promotions at
    once, at most one automatic promotion in 24 hours (only runs that promoted count).
"""

import json
import os
import socket
import time
import urllib.error
import urllib.request

ROLE_SECONDARY = "secondary"
ROLE_WRITER = "writer"
ROLE_DETACHED = "detached"
ROLE_UNKNOWN = "unknown"

SWITCHOVER = "switchover"
FAILOVER = "failover"

STATUS_RUNNING = "RUNNING"
TRIGGER_DETECTOR = "detector"

DEFAULT_STALL_MS = 30000
FRESH_SECONDS = 120
LAG_WINDOW_SECONDS = 3600
CAP_SECONDS = 24 * 60 * 60

# Metric names published per verdict key (1 for true, 0 for false).
METRICS = {
    "watching": "Watching",
    "writerAppUp": "WriterAppUp",
    "replicationStopped": "ReplicationStopped",
    "dnsOnStandby": "DnsOnStandby",
    "regionDark": "RegionDark",
    "switchoverRecommended": "SwitchoverRecommended",
    "degraded": "Degraded",
    "blocked": "Blocked",
    "promoteSignal": "PromoteSignal",
}


def classify(p, stall_ms=DEFAULT_STALL_MS, cap_seconds=CAP_SECONDS):
    """One minute's verdict from one probe (a dict shaped like Go's detector.Probe)."""
    v = {
        "watching": False,
        "writerAppUp": False,
        "replicationStopped": False,
        "writerVeto": False,
        "dnsOnStandby": False,
        "regionDark": False,
        "switchoverRecommended": False,
        "degraded": False,
        "blocked": False,
        "promoteSignal": False,
        "mode": FAILOVER,
    }
    v["watching"] = p.get("ownRole") in (ROLE_SECONDARY, ROLE_UNKNOWN)
    status = p.get("appStatus") or 0
    v["writerAppUp"] = 200 <= status < 300
    lag, prev = p.get("lagMs"), p.get("prevLagMs")
    v["replicationStopped"] = replication_stopped(lag, prev, p.get("lagAgeSeconds") or 0, stall_ms)
    if p.get("writerApiAnswers") and p.get("writerAvailable"):
        v["mode"] = SWITCHOVER
    if not v["watching"]:
        return v
    # The veto (decide.go's WriterVeto): the watched region's RDS API answered and showed the global
    # cluster available with its writer present, so the region is not dark (a bad deploy plus a write
    # burst looks dark by app and lag alone). An API that does not answer never vetoes.
    v["writerVeto"] = bool(p.get("writerApiAnswers") and p.get("writerAvailable"))
    # The global signal (decide.go's DNSOnStandby): Route 53 answers this region's ALB for the
    # failover name. Without it a promotion could follow a partition between the two regions.
    v["dnsOnStandby"] = bool(p.get("dnsAnswers") and p.get("dnsOnStandby"))
    v["regionDark"] = not v["writerAppUp"] and v["replicationStopped"] and v["dnsOnStandby"] and not v["writerVeto"]
    # The watched region answers, yet viewers are sent to this read-only region: switch over.
    # Not when the RDS API shows no available writer (decide.go's writerGone): RDS refuses a
    # switchover from a lost home database; the degraded page sends the operator to auto.
    writer_gone = bool(p.get("writerApiAnswers") and not p.get("writerAvailable"))
    v["switchoverRecommended"] = v["writerAppUp"] and v["dnsOnStandby"] and not writer_gone
    v["degraded"] = ((not v["writerAppUp"]) or v["replicationStopped"] or lag is None
                     or not p.get("writerApiAnswers") or not p.get("dnsAnswers"))
    v["blocked"] = blocked(p, cap_seconds)
    v["promoteSignal"] = v["regionDark"] and not v["blocked"]
    return v


def replication_stopped(lag, prev, age_seconds, stall_ms=DEFAULT_STALL_MS):
    """The lag, counting the silence since the newest datapoint, is past the threshold and not shrinking."""
    if lag is None:
        return False
    stale = age_seconds > FRESH_SECONDS
    effective = lag + (age_seconds - FRESH_SECONDS) * 1000 if stale else lag
    if effective < stall_ms:
        return False
    return stale or prev is None or lag >= prev


def blocked(p, cap_seconds=CAP_SECONDS):
    """A promotion must not start: one runs, an automatic one started within the cap, or unknown."""
    if not p.get("executionsKnown"):
        return True
    for e in p.get("executions") or []:
        if e.get("status") == STATUS_RUNNING:
            return True
        if e.get("trigger") == TRIGGER_DETECTOR and e.get("promoted") and p["now"] - e["start"] < cap_seconds:
            return True
    return False


def probe_app(url, timeout=5.0):
    """HTTP status of url, 0 when nothing answered in time. Redirects are not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, headers={"User-Agent": "multi-region-ha-detector", "Cache-Control": "no-cache"})
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:  # timeouts, DNS, TLS, connection resets: nothing answered
        return 0


def resolve_addresses(name):
    """The set of addresses public DNS gives name (A and AAAA), through the resolver Lambda uses."""
    return {info[4][0] for info in socket.getaddrinfo(name, 443, proto=socket.IPPROTO_TCP)}


def dns_on_standby(failover_name, own_name, resolve=resolve_addresses):
    """(answers, on_standby): whether both names resolved, and whether the failover name shares an
    address with this region's own origin name (Route 53 answers this region's ALB). Any lookup
    error answers (False, False): no evidence, never a promotion."""
    try:
        failover, own = resolve(failover_name), resolve(own_name)
    except Exception as e:  # NXDOMAIN, SERVFAIL, timeouts
        print(json.dumps({"error": "DNS", "detail": str(e)}))
        return False, False
    if not failover or not own:
        return False, False
    return True, bool(set(failover) & set(own))


def read_lag(cloudwatch, cluster_id, source_region, now):
    """(newest, previous, age of newest in s) of AuroraGlobalDBReplicationLag, Maximum per minute,
    over the last LAG_WINDOW_SECONDS; (None, None, 0) when there is none. Aurora publishes the lag
    per secondary cluster AND the region it replicates from: DBClusterIdentifier alone matches no
    series (the lag would always look missing)."""
    try:
        resp = cloudwatch.get_metric_data(
            MetricDataQueries=[{
                "Id": "lag",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/RDS",
                        "MetricName": "AuroraGlobalDBReplicationLag",
                        "Dimensions": [
                            {"Name": "DBClusterIdentifier", "Value": cluster_id},
                            {"Name": "SourceRegion", "Value": source_region},
                        ],
                    },
                    "Period": 60,
                    "Stat": "Maximum",
                },
                "ReturnData": True,
            }],
            StartTime=now - LAG_WINDOW_SECONDS,
            EndTime=now,
            ScanBy="TimestampDescending",
        )
        result = resp["MetricDataResults"][0]
        values = result.get("Values") or []
        stamps = result.get("Timestamps") or []
    except Exception as e:
        print(json.dumps({"error": "GetMetricData", "detail": str(e)}))
        values, stamps = [], []
    if not values or len(stamps) != len(values):
        return None, None, 0
    age = max(0, now - int(stamps[0].timestamp()))
    previous = values[1] if len(values) > 1 else None
    return values[0], previous, age


def own_role(rds, global_cluster_id, own_cluster_arn):
    try:
        clusters = rds.describe_global_clusters(GlobalClusterIdentifier=global_cluster_id)["GlobalClusters"]
    except Exception as e:
        print(json.dumps({"error": "DescribeGlobalClusters", "detail": str(e)}))
        return ROLE_UNKNOWN
    for c in clusters:
        for m in c.get("GlobalClusterMembers") or []:
            if m.get("DBClusterArn") == own_cluster_arn:
                return ROLE_WRITER if m.get("IsWriter") else ROLE_SECONDARY
    return ROLE_DETACHED


def writer_status(rds, global_cluster_id, cluster_arn):
    """(answers, available) from the watched region's RDS API: whether it answered
    DescribeGlobalClusters, and whether it showed the global cluster "available" with the watched
    cluster as its writer member (the veto). An error answers (False, False): no evidence."""
    try:
        clusters = rds.describe_global_clusters(GlobalClusterIdentifier=global_cluster_id)["GlobalClusters"]
    except Exception as e:
        print(json.dumps({"error": "DescribeGlobalClusters", "region": "watched", "detail": str(e)}))
        return False, False
    for c in clusters:
        if c.get("Status") != "available":
            continue
        for m in c.get("GlobalClusterMembers") or []:
            if m.get("DBClusterArn") == cluster_arn and m.get("IsWriter"):
                return True, True
    return True, False


def promoted(status, detail):
    """Whether the runbook execution had a promotion accepted (the runbook records "promoted" in its
    output, and a failed run that promoted ends in FailoverFailedAfterPromotion). Not knowing (a run
    timed out or aborted) counts as promoted: the budget errs on the side of a person deciding."""
    if status == "SUCCEEDED":
        try:
            return "promoted" in json.loads(detail.get("output") or "{}")
        except ValueError:
            return True
    if status == "FAILED":
        return detail.get("error") == "FailoverFailedAfterPromotion"
    return True


def executions(sfn, state_machine_arn, now, cap_seconds=CAP_SECONDS):
    """(known, executions) of this region's runbook: every running one, and those started in the cap window."""
    try:
        seen = {}
        running = sfn.list_executions(stateMachineArn=state_machine_arn, statusFilter=STATUS_RUNNING, maxResults=100)
        recent = sfn.list_executions(stateMachineArn=state_machine_arn, maxResults=100)
        for e in running.get("executions", []) + recent.get("executions", []):
            start = int(e["startDate"].timestamp())
            if e["executionArn"] in seen or (e["status"] != STATUS_RUNNING and now - start >= cap_seconds):
                continue
            detail = sfn.describe_execution(executionArn=e["executionArn"])
            try:
                trigger = json.loads(detail.get("input") or "{}").get("trigger", "")
            except ValueError:
                trigger = ""
            seen[e["executionArn"]] = {"status": e["status"], "start": start, "trigger": trigger,
                                       "promoted": promoted(e["status"], detail)}
        return True, list(seen.values())
    except Exception as e:
        print(json.dumps({"error": "ListExecutions", "detail": str(e)}))
        return False, []


def evidence(probe, verdict, watched, own):
    """One line a person reads in the log (and a page's reader finds there): each signal's value."""
    app = probe.get("appStatus") or 0
    lag = probe.get("lagMs")
    parts = [
        "%s application through CloudFront: %s" % (watched, ("HTTP %d" % app) if app else "no answer"),
        "replication from %s: %s (newest lag %s, %d s old)" % (
            watched, "stopped" if verdict["replicationStopped"] else "flowing",
            "none" if lag is None else "%d ms" % lag, probe.get("lagAgeSeconds") or 0),
        "%s RDS API: %s" % (watched, ("writer available" if probe.get("writerAvailable") else "answers, no available writer")
                            if probe.get("writerApiAnswers") else "no answer"),
        "public DNS of the failover name: %s" % (("names %s (standby)" % own) if verdict["dnsOnStandby"]
                                                 else ("names %s" % watched) if probe.get("dnsAnswers") else "no answer"),
    ]
    if verdict["regionDark"]:
        lead = "%s looks DARK (all four signals)" % watched
    elif verdict["switchoverRecommended"]:
        lead = "%s answers but viewers are sent to %s: SWITCHOVER RECOMMENDED" % (watched, own)
    elif verdict["degraded"]:
        lead = "evidence about %s is degraded, not region-level" % watched
    else:
        lead = "%s healthy" % watched
    return lead + ": " + "; ".join(parts)


def handler(event, context, clients=None, resolve=resolve_addresses):
    """The scheduled entry point. clients(service, region) returns a boto3 client and resolve(name)
    a set of addresses (tests pass fakes)."""
    env = os.environ
    own, watched = env["OWN_REGION"], env["WATCHED_REGION"]
    if clients is None:
        import boto3
        from botocore.config import Config

        # The watched region may be dark: answer fast, do not retry into the next minute. This
        # region's own APIs get the standard retries, so a throttle does not drop a minute.
        quick = Config(connect_timeout=3, read_timeout=3, retries={"mode": "standard", "total_max_attempts": 1})
        local = Config(connect_timeout=3, read_timeout=5, retries={"mode": "standard", "total_max_attempts": 3})

        def clients(service, region):
            return boto3.client(service, region_name=region, config=quick if region == watched else local)

    now = int(time.time())
    stall_ms = float(env.get("STALL_MS", DEFAULT_STALL_MS))
    cloudwatch = clients("cloudwatch", own)
    lag, prev, lag_age = read_lag(cloudwatch, env["OWN_CLUSTER_ID"], watched, now)
    answers, available = writer_status(clients("rds", watched), env["GLOBAL_CLUSTER_ID"], env["WATCHED_CLUSTER_ARN"])
    known, execs = executions(clients("stepfunctions", own), env["STATE_MACHINE_ARN"], now)
    dns_answers, on_standby = dns_on_standby(env["FAILOVER_NAME"], env["OWN_ORIGIN_NAME"], resolve)
    probe = {
        "now": now,
        "appStatus": probe_app(env["PROBE_URL"]),
        "lagMs": lag,
        "prevLagMs": prev,
        "lagAgeSeconds": lag_age,
        "writerApiAnswers": answers,
        "writerAvailable": available,
        "dnsAnswers": dns_answers,
        "dnsOnStandby": on_standby,
        "ownRole": own_role(clients("rds", own), env["GLOBAL_CLUSTER_ID"], env["OWN_CLUSTER_ARN"]),
        "executions": execs,
        "executionsKnown": known,
    }
    verdict = classify(probe, stall_ms)
    dims = [{"Name": "WatchedRegion", "Value": watched}]
    data = [{"MetricName": name, "Dimensions": dims, "Value": 1.0 if verdict[key] else 0.0, "Unit": "Count"}
            for key, name in METRICS.items()]
    if lag is not None:
        data.append({"MetricName": "ReplicationLagMs", "Dimensions": dims, "Value": float(lag), "Unit": "Milliseconds"})
    cloudwatch.put_metric_data(Namespace=env["NAMESPACE"], MetricData=data)
    # The evidence of this minute, for the page's reader and the post-incident review.
    print(json.dumps({"probe": probe, "verdict": verdict, "evidence": evidence(probe, verdict, watched, own)}, default=str))
    return verdict
