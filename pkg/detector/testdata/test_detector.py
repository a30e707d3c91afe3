"""Unit tests of the detector's inline code, run by detector_python_test.go.

Usage: python3 test_detector.py <path of detector.py> <scenarios.json>
The scenarios are the Go table's, with every probe and the verdict Go's Classify gave it.
"""

import datetime
import importlib.util
import json
import os
import sys
import unittest

MODULE_PATH, SCENARIOS_PATH = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("detector", MODULE_PATH)
detector = importlib.util.module_from_spec(spec)
spec.loader.exec_module(detector)

with open(SCENARIOS_PATH) as f:
    SCENARIOS = json.load(f)


class SameVerdictsAsGo(unittest.TestCase):
    def test_every_probe_of_every_scenario(self):
        checked = 0
        for sc in SCENARIOS:
            for i, (probe, want) in enumerate(zip(sc["probes"], sc["verdicts"])):
                with self.subTest(scenario=sc["name"], minute=i):
                    got = detector.classify(probe, sc["stallMs"], sc["capSeconds"])
                    self.assertEqual(want, got)
                    checked += 1
        self.assertGreater(checked, 50)


class FakeClients:
    """boto3 stand-ins recording what the handler sends."""

    def __init__(self, lag_values, own_writer=False, watched_api_fails=False, executions=(), lag_age=60,
                 global_status="available"):
        self.calls = []
        self.lag_values = lag_values
        self.lag_age = lag_age
        self.own_writer = own_writer
        self.watched_api_fails = watched_api_fails
        self.executions = list(executions)
        self.details = {}
        self.metrics = None
        self.global_status = global_status

    def __call__(self, service, region):
        test = self

        class Client:
            def get_metric_data(self, **kw):
                test.calls.append(("get_metric_data", region, kw))
                newest = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=test.lag_age)
                stamps = [newest - datetime.timedelta(minutes=i) for i in range(len(test.lag_values))]
                return {"MetricDataResults": [{"Values": test.lag_values, "Timestamps": stamps}]}

            def put_metric_data(self, **kw):
                test.calls.append(("put_metric_data", region, kw))
                test.metrics = {m["MetricName"]: m["Value"] for m in kw["MetricData"]}

            def describe_global_clusters(self, **kw):
                test.calls.append(("describe_global_clusters", region, kw))
                if region == "us-east-1" and test.watched_api_fails:
                    raise RuntimeError("connect timeout")
                return {"GlobalClusters": [{"Status": test.global_status, "GlobalClusterMembers": [
                    {"DBClusterArn": "arn:own", "IsWriter": test.own_writer},
                    {"DBClusterArn": "arn:watched", "IsWriter": not test.own_writer},
                ]}]}

            def describe_db_clusters(self, **kw):
                test.calls.append(("describe_db_clusters", region, kw))
                if test.watched_api_fails:
                    raise RuntimeError("connect timeout")
                return {"DBClusters": [{"Status": "available"}]}

            def list_executions(self, **kw):
                test.calls.append(("list_executions", region, kw))
                if kw.get("statusFilter"):
                    return {"executions": [e for e in test.executions if e["status"] == kw["statusFilter"]]}
                return {"executions": test.executions}

            def describe_execution(self, **kw):
                test.calls.append(("describe_execution", region, kw))
                return {"input": json.dumps({"mode": "auto", "trigger": "detector"}),
                        **test.details.get(kw["executionArn"], {"output": json.dumps({"promoted": {"by": "failover"}})})}

        return Client()


def resolver(on_standby=True, fails=False):
    """A fake public DNS: the failover name resolves to the standby's (own region's) ALB or home's."""
    standby, home = {"198.51.100.7", "198.51.100.8"}, {"203.0.113.4", "203.0.113.5"}

    def resolve(name):
        if fails:
            raise OSError("[Errno -3] Temporary failure in name resolution")
        if name == "origin.app.example.com":
            return standby if on_standby else home
        if name == "us-west-2.origin.app.example.com":
            return standby
        if name == "us-east-1.origin.app.example.com":
            return home
        raise AssertionError("unexpected lookup of " + name)

    return resolve


class Handler(unittest.TestCase):
    def setUp(self):
        os.environ.update({
            "OWN_REGION": "us-west-2", "WATCHED_REGION": "us-east-1", "NAMESPACE": "Test/Detector",
            "OWN_CLUSTER_ID": "own", "OWN_CLUSTER_ARN": "arn:own", "WATCHED_CLUSTER_ARN": "arn:watched",
            "GLOBAL_CLUSTER_ID": "global", "STATE_MACHINE_ARN": "arn:sm",
            # Nothing listens here: the probe sees no answer, as from a dark region.
            "PROBE_URL": "http://127.0.0.1:9/_probe/us-east-1/health", "STALL_MS": "30000",
            "FAILOVER_NAME": "origin.app.example.com", "OWN_ORIGIN_NAME": "us-west-2.origin.app.example.com",
        })

    def test_dark_region_publishes_a_promote_signal(self):
        fake = FakeClients([120000.0, 60000.0], watched_api_fails=True)
        v = detector.handler({}, None, clients=fake, resolve=resolver())
        self.assertTrue(v["promoteSignal"])
        self.assertEqual("failover", v["mode"])
        self.assertEqual(1.0, fake.metrics["PromoteSignal"])
        self.assertEqual(120000.0, fake.metrics["ReplicationLagMs"])
        # Writes only in its own region; the watched region is only read.
        for name, region, _ in fake.calls:
            if region == "us-east-1":
                self.assertTrue(name.startswith("describe_"), name)
        puts = [c for c in fake.calls if c[0] == "put_metric_data"]
        self.assertEqual(1, len(puts))
        self.assertEqual("us-west-2", puts[0][1])
        self.assertEqual("Test/Detector", puts[0][2]["Namespace"])

    def test_silent_lag_metric_counts_as_stopped(self):
        fake = FakeClients([400.0, 350.0], watched_api_fails=True, lag_age=600)
        v = detector.handler({}, None, clients=fake, resolve=resolver())
        self.assertTrue(v["replicationStopped"], "ten minutes of silence: replication stopped")
        self.assertTrue(v["promoteSignal"])
        window = [c for c in fake.calls if c[0] == "get_metric_data"][0][2]
        self.assertEqual(3600, (window["EndTime"] - window["StartTime"]))

    def test_lag_is_read_from_the_series_aurora_publishes(self):
        # Aurora publishes the lag per secondary cluster AND the region it replicates from; a query
        # by cluster alone matches nothing and would look like replication stopped.
        fake = FakeClients([400.0, 350.0])
        detector.handler({}, None, clients=fake, resolve=resolver())
        call = [c for c in fake.calls if c[0] == "get_metric_data"][0]
        self.assertEqual("us-west-2", call[1], "the standby's own CloudWatch")
        metric = call[2]["MetricDataQueries"][0]["MetricStat"]["Metric"]
        self.assertEqual([{"Name": "DBClusterIdentifier", "Value": "own"}, {"Name": "SourceRegion", "Value": "us-east-1"}],
                         metric["Dimensions"])

    def test_flowing_replication_never_signals(self):
        fake = FakeClients([400.0, 500.0])
        v = detector.handler({}, None, clients=fake, resolve=resolver())
        self.assertFalse(v["promoteSignal"])
        self.assertEqual(1.0, fake.metrics["Degraded"], "the application is unreachable: a page")
        self.assertEqual("switchover", v["mode"])

    def test_bad_deploy_with_a_write_burst_is_vetoed(self):
        # 503s (nothing listens on the probe URL) and a lag of 45 s rising, but the writer region's
        # RDS API shows the global cluster available with its writer: not dark, never a promotion.
        fake = FakeClients([50000.0, 45000.0])
        v = detector.handler({}, None, clients=fake, resolve=resolver())
        self.assertTrue(v["replicationStopped"])
        self.assertTrue(v["writerVeto"])
        self.assertFalse(v["regionDark"])
        self.assertEqual(0.0, fake.metrics["PromoteSignal"])
        self.assertEqual(1.0, fake.metrics["Degraded"], "a page for a person")
        watched = [c for c in fake.calls if c[1] == "us-east-1"]
        self.assertEqual([("describe_global_clusters", "us-east-1", {"GlobalClusterIdentifier": "global"})], watched)

    def test_global_cluster_not_available_is_no_veto(self):
        fake = FakeClients([50000.0, 45000.0], global_status="failing-over")
        v = detector.handler({}, None, clients=fake, resolve=resolver())
        self.assertFalse(v["writerVeto"])
        self.assertTrue(v["promoteSignal"])

    def test_writer_region_idles(self):
        fake = FakeClients([], own_writer=True)
        v = detector.handler({}, None, clients=fake, resolve=resolver())
        self.assertFalse(v["watching"])
        self.assertEqual(0.0, fake.metrics["Degraded"])
        self.assertNotIn("ReplicationLagMs", fake.metrics)

    def test_recent_automatic_promotion_blocks(self):
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=3)
        fake = FakeClients([120000.0, 60000.0], watched_api_fails=True,
                           executions=[{"executionArn": "arn:exec:1", "status": "SUCCEEDED", "startDate": start}])
        v = detector.handler({}, None, clients=fake, resolve=resolver())
        self.assertTrue(v["regionDark"])
        self.assertTrue(v["blocked"])
        self.assertEqual(0.0, fake.metrics["PromoteSignal"])

    def test_only_automatic_runs_that_promoted_use_the_budget(self):
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=3)
        for status, detail, blocks in [
            ("SUCCEEDED", {"output": json.dumps({"mode": "auto", "timings": {"promotion": {"skipped": "already the writer"}}})}, False),
            ("FAILED", {"error": "FailoverFailed"}, False),
            ("FAILED", {"error": "FailoverFailedAfterPromotion"}, True),
            ("TIMED_OUT", {}, True),
            ("ABORTED", {}, True),
        ]:
            fake = FakeClients([120000.0, 60000.0], watched_api_fails=True,
                               executions=[{"executionArn": "arn:exec:1", "status": status, "startDate": start}])
            fake.details["arn:exec:1"] = detail
            v = detector.handler({}, None, clients=fake, resolve=resolver())
            self.assertTrue(v["regionDark"], status)
            self.assertEqual(blocks, v["blocked"], (status, detail))


class GlobalSignal(unittest.TestCase):
    """The fourth signal: public DNS must name the standby before anything promotes."""

    setUp = Handler.setUp

    def test_partition_never_signals(self):
        # Everything regional looks dark, but the world's checkers still reach home: DNS names it.
        fake = FakeClients([120000.0, 60000.0], watched_api_fails=True)
        v = detector.handler({}, None, clients=fake, resolve=resolver(on_standby=False))
        self.assertFalse(v["dnsOnStandby"])
        self.assertFalse(v["regionDark"])
        self.assertEqual(0.0, fake.metrics["PromoteSignal"])
        self.assertEqual(1.0, fake.metrics["Degraded"])
        self.assertEqual(0.0, fake.metrics["DnsOnStandby"])

    def test_dns_failure_is_no_evidence(self):
        fake = FakeClients([120000.0, 60000.0], watched_api_fails=True)
        v = detector.handler({}, None, clients=fake, resolve=resolver(fails=True))
        self.assertFalse(v["promoteSignal"])
        self.assertTrue(v["degraded"])

    def test_dns_compares_addresses_of_both_names(self):
        self.assertEqual((True, True), detector.dns_on_standby("origin.app.example.com", "us-west-2.origin.app.example.com", resolver()))
        self.assertEqual((True, False), detector.dns_on_standby("origin.app.example.com", "us-west-2.origin.app.example.com",
                                                                resolver(on_standby=False)))
        self.assertEqual((False, False), detector.dns_on_standby("origin.app.example.com", "us-west-2.origin.app.example.com",
                                                                 lambda name: set()))

    def test_real_resolver_reads_addresses(self):
        # An address literal resolves to itself without a network: the real lookup's shape.
        self.assertEqual({"127.0.0.1"}, detector.resolve_addresses("127.0.0.1"))

    def test_checkers_cut_off_recommends_switchover(self):
        # The probe reaches home (a local server answers 200), replication flows, DNS names the standby.
        import http.server
        import threading

        class OK(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), OK)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            os.environ["PROBE_URL"] = "http://127.0.0.1:%d/_probe/us-east-1/health" % server.server_port
            fake = FakeClients([400.0, 350.0])
            v = detector.handler({}, None, clients=fake, resolve=resolver())
        finally:
            server.shutdown()
        self.assertTrue(v["writerAppUp"])
        self.assertTrue(v["switchoverRecommended"])
        self.assertFalse(v["promoteSignal"])
        self.assertEqual(1.0, fake.metrics["SwitchoverRecommended"])
        line = detector.evidence({"appStatus": 200, "lagMs": 400.0, "lagAgeSeconds": 60, "writerApiAnswers": True,
                                  "writerAvailable": True, "dnsAnswers": True}, v, "us-east-1", "us-west-2")
        self.assertTrue(line.startswith("us-east-1 answers but viewers are sent to us-west-2: SWITCHOVER RECOMMENDED"), line)
        self.assertIn("public DNS of the failover name: names us-west-2 (standby)", line)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
