package detector

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const (
	here       = "us-west-2"
	there      = "us-east-1"
	name       = "detector-" + here
	ownArn     = "arn:aws:rds:us-west-2:123456789012:cluster:database-us-west-2-cluster"
	watchedArn = "arn:aws:rds:us-east-1:123456789012:cluster:database-us-east-1-cluster"
	machineArn = "arn:aws:states:us-west-2:123456789012:stateMachine:failover-us-west-2"
	topicArn   = "arn:aws:sns:us-west-2:123456789012:observability-us-west-2-alerts"
	probeURL   = "https://app.example.com/_probe/us-east-1/health"
)

func testArgs(mode string) *Args {
	return &Args{
		AccountId: "123456789012",
		Region:    here, WatchedRegion: there, Mode: mode, AfterMinutes: 3, ProbeUrl: probeURL,
		FailoverName: "origin.app.example.com", OwnOriginName: here + ".origin.app.example.com",
		GlobalClusterIdentifier: pulumi.String("database-global"),
		ClusterIdentifier:       pulumi.String("database-us-west-2-cluster"),
		ClusterArn:              pulumi.String(ownArn),
		WatchedClusterArn:       pulumi.String(watchedArn),
		StateMachineArn:         pulumi.String(machineArn),
		TopicArn:                pulumi.String(topicArn),
		LogRetentionDays:        90,
	}
}

func run(t *testing.T, args *Args) (*offline.Mocks, error) {
	t.Helper()
	return offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+here, &aws.ProviderArgs{Region: pulumi.String(here)})
		if err != nil {
			return err
		}
		_, err = New(ctx, name, args, pulumi.Provider(p))
		return err
	})
}

func mustRun(t *testing.T, args *Args) *offline.Mocks {
	t.Helper()
	m, err := run(t, args)
	require.NoError(t, err)
	return m
}

func TestEveryChildIsInItsRegionUnderTheComponent(t *testing.T) {
	m := mustRun(t, testArgs(ModeAuto))
	comps := m.OfType("multi-region-ha:detector:Detector")
	require.Len(t, comps, 1)
	desc := m.Descendants(comps[0].URN)
	assert.GreaterOrEqual(t, len(desc), 14)
	for _, r := range desc {
		assert.Equal(t, here, r.Region, "%s %s", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, name+"-"), r.Name)
	}
}

func TestFunctionIsPinnedAndShipsTheTestedCode(t *testing.T) {
	m := mustRun(t, testArgs(ModeNotify))
	fn := m.Named("aws:lambda/function:Function", name+"-fn")
	require.NotNil(t, fn)
	assert.Equal(t, "python3.13", fn.Str("runtime"))
	assert.Equal(t, "index.handler", fn.Str("handler"))
	assert.Equal(t, []string{"arm64"}, fn.Strings("architectures"))
	assert.LessOrEqual(t, fn.Num("timeout"), 55.0, "a run ends before the next minute's")
	code := fn.Prop("code")
	require.True(t, code.IsArchive(), "inline archive")
	assets := code.ArchiveValue().Assets
	require.Len(t, assets, 1)
	asset, ok := assets["index.py"].(*resource.Asset)
	require.True(t, ok)
	assert.Equal(t, Source, asset.Text, "the function runs exactly the code the tests run")
	group := m.Named("aws:cloudwatch/logGroup:LogGroup", name+"-logs")
	require.NotNil(t, group)
	assert.Equal(t, group.Outputs["name"].StringValue(), fn.Str("loggingConfig.logGroup"))
	assert.True(t, group.Has("kmsKeyId"))
	assert.True(t, fn.DependsOn(m.Named("aws:iam/rolePolicy:RolePolicy", name+"-policy")))
}

// None of the function's inputs names a resource of the other region except as a probe target.
func TestOnlyProbeTargetsNameTheWatchedRegion(t *testing.T) {
	m := mustRun(t, testArgs(ModeAuto))
	fn := m.Named("aws:lambda/function:Function", name+"-fn")
	env := fn.Plain("environment.variables").(map[string]any)
	probeTargets := map[string]bool{"WATCHED_REGION": true, "WATCHED_CLUSTER_ARN": true, "PROBE_URL": true}
	for k, v := range env {
		if strings.Contains(v.(string), there) {
			assert.True(t, probeTargets[k], "%s=%s names %s", k, v, there)
		}
	}
	assert.Equal(t, here, env["OWN_REGION"])
	assert.Equal(t, ownArn, env["OWN_CLUSTER_ARN"])
	assert.Equal(t, machineArn, env["STATE_MACHINE_ARN"])
	for _, r := range m.Resources() {
		if r.Type == "aws:lambda/function:Function" || strings.HasPrefix(r.Type, "pulumi:") || r.Type == "multi-region-ha:detector:Detector" {
			continue
		}
		for k := range r.Inputs {
			s := r.Str(string(k))
			if strings.Contains(s, "arn:aws:") && strings.Contains(s, ":"+there+":") {
				// Only the role policy may name the watched cluster, and only to read it.
				assert.Equal(t, "aws:iam/rolePolicy:RolePolicy", r.Type, "%s %s.%s names %s", r.Type, r.Name, k, there)
			}
		}
	}
}

// The function reads, never writes, anything in the other region; its writes are its own logs and
// metric namespace in its own region; it cannot start any runbook.
func TestFunctionPolicyIsLeastPrivilege(t *testing.T) {
	m := mustRun(t, testArgs(ModeAuto))
	policy := m.Named("aws:iam/rolePolicy:RolePolicy", name+"-policy").JSON("policy")
	require.NotNil(t, policy)
	reads := func(action string) bool {
		verb := action[strings.Index(action, ":")+1:]
		return strings.HasPrefix(verb, "Describe") || strings.HasPrefix(verb, "List") || strings.HasPrefix(verb, "Get")
	}
	var actions []string
	for _, raw := range policy["Statement"].([]any) {
		st := raw.(map[string]any)
		assert.Equal(t, "Allow", st["Effect"])
		var resources []string
		for _, r := range st["Resource"].([]any) {
			resources = append(resources, r.(string))
		}
		cond, _ := st["Condition"].(map[string]any)
		for _, a := range st["Action"].([]any) {
			action := a.(string)
			actions = append(actions, action)
			assert.NotContains(t, action, "*", "no wildcard actions")
			for _, r := range resources {
				if r == "*" {
					eq := cond["StringEquals"].(map[string]any)
					assert.Equal(t, here, eq["aws:RequestedRegion"], "%s on * is pinned to %s", action, here)
				}
				if strings.Contains(r, ":"+there+":") {
					assert.True(t, reads(action), "%s on %s writes in the watched region", action, r)
				}
				if !reads(action) {
					assert.NotContains(t, r, there, "%s", action)
				}
			}
		}
	}
	assert.NotContains(t, actions, "states:StartExecution")
	assert.ElementsMatch(t, []string{
		"logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData", "cloudwatch:GetMetricData",
		"rds:DescribeGlobalClusters", "rds:DescribeGlobalClusters", "states:ListExecutions", "states:DescribeExecution",
	}, actions)
	// DescribeGlobalClusters twice: its own role (this region's API) and the veto (the watched
	// region's API), each pinned to one region.
	var regions []any
	for _, raw := range policy["Statement"].([]any) {
		st := raw.(map[string]any)
		if st["Action"].([]any)[0] == "rds:DescribeGlobalClusters" {
			regions = append(regions, st["Condition"].(map[string]any)["StringEquals"].(map[string]any)["aws:RequestedRegion"])
		}
	}
	assert.ElementsMatch(t, []any{here, there}, regions)
	assert.Equal(t, map[string]any{"Service": []any{"lambda.amazonaws.com"}},
		m.Named("aws:iam/role:Role", name+"-role").JSON("assumeRolePolicy")["Statement"].([]any)[0].(map[string]any)["Principal"])
}

func TestScheduleInvokesOnlyThisFunction(t *testing.T) {
	m := mustRun(t, testArgs(ModeNotify))
	rule := m.Named("aws:cloudwatch/eventRule:EventRule", name+"-schedule")
	assert.Equal(t, "rate(1 minute)", rule.Str("scheduleExpression"))
	fn := m.Named("aws:lambda/function:Function", name+"-fn")
	target := m.Named("aws:cloudwatch/eventTarget:EventTarget", name+"-schedule")
	assert.Equal(t, fn.Outputs["arn"].StringValue(), target.Str("arn"))
	perm := m.Named("aws:lambda/permission:Permission", name+"-invoke")
	assert.Equal(t, "events.amazonaws.com", perm.Str("principal"))
	assert.Equal(t, rule.Outputs["arn"].StringValue(), perm.Str("sourceArn"))
	assert.Equal(t, offline.AccountID, perm.Str("sourceAccount"))
}

func TestAlarmsAreNofNInThisRegionAndPage(t *testing.T) {
	for _, n := range []int{1, 3, 30} {
		args := testArgs(ModeNotify)
		args.AfterMinutes = n
		m := mustRun(t, args)
		for _, suffix := range []string{"-promote", "-switchover", "-degraded"} {
			a := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+suffix)
			require.NotNil(t, a, suffix)
			assert.Equal(t, Namespace, a.Str("namespace"))
			assert.Equal(t, there, a.Str("dimensions.WatchedRegion"))
			assert.Equal(t, 60.0, a.Num("period"))
			assert.Equal(t, float64(n), a.Num("evaluationPeriods"), "M-of-N with N = autoFailoverAfterMinutes")
			assert.Equal(t, float64(n), a.Num("datapointsToAlarm"), "M = N: consecutive minutes")
			assert.Equal(t, "notBreaching", a.Str("treatMissingData"), "no evidence is no promotion")
			assert.Equal(t, []string{topicArn}, a.Strings("alarmActions"), "pages in notify and auto alike")
			assert.LessOrEqual(t, len(a.Str("alarmDescription")), 1024, "CloudWatch caps descriptions at 1024")
		}
		promote := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-promote")
		assert.Equal(t, "PromoteSignal", promote.Str("metricName"))
		assert.Contains(t, promote.Str("alarmDescription"), StartCommand(here, machineArn), "the page carries the exact command")
		group := m.Named("aws:cloudwatch/logGroup:LogGroup", name+"-logs").Outputs["name"].StringValue()
		assert.Contains(t, promote.Str("alarmDescription"), group, "and where the evidence is")
		switchover := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-switchover")
		assert.Equal(t, "SwitchoverRecommended", switchover.Str("metricName"))
		assert.Equal(t, []string{topicArn}, switchover.Strings("okActions"), "and says when it is over")
		assert.Contains(t, switchover.Str("alarmDescription"), SwitchoverCommand(here, machineArn), "the page carries the switchover command")
	}
}

// Each page names the region that is likely down (the watched one), the region it is seen from,
// and the evidence: a reader at 3 a.m. must not take the standby's page for the standby's outage.
func TestPagesSayWhichRegionIsLikelyDown(t *testing.T) {
	m := mustRun(t, testArgs(ModeNotify))
	env := m.Named("aws:lambda/function:Function", name+"-fn").Plain("environment.variables").(map[string]any)
	assert.Equal(t, "origin.app.example.com", env["FAILOVER_NAME"])
	assert.Equal(t, here+".origin.app.example.com", env["OWN_ORIGIN_NAME"])
	for suffix, lead := range map[string]string{
		"-promote":    "REGION " + there + " IS LIKELY DOWN (seen from " + here + ")",
		"-switchover": "SWITCHOVER RECOMMENDED: " + there + " is up but viewers are sent to " + here,
		"-degraded":   there + " MAY BE IMPAIRED (seen from " + here + ")",
	} {
		d := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+suffix).Str("alarmDescription")
		assert.True(t, strings.HasPrefix(d, lead), "%s: %s", suffix, d)
	}
	promote := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-promote").Str("alarmDescription")
	for _, evidence := range []string{"did not answer through CloudFront", "replication from it stopped", "RDS API", "public DNS answered " + here + "'s ALB for origin.app.example.com"} {
		assert.Contains(t, promote, evidence)
	}
	assert.Contains(t, PromoteText(there, here, 3, DefaultStallMs, ModeAuto, "origin.x"), "has been started (mode auto)")
	assert.Contains(t, PromoteText(there, here, 3, DefaultStallMs, ModeNotify, "origin.x"), "a person decides")
}

// F8: a detector that stops running must page. Its decision alarms treat missing data as not
// breaching, so the heartbeat watches a metric it publishes every minute with missing data as
// breaching, and Lambda's own Errors names a function that runs and fails. Both in this region, to
// this region's topic, in every mode the detector exists in.
func TestADetectorThatStopsRunningPages(t *testing.T) {
	for _, mode := range []string{ModeNotify, ModeAuto} {
		m := mustRun(t, testArgs(mode))
		fn := m.Named("aws:lambda/function:Function", name+"-fn")
		hb := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-heartbeat")
		require.NotNil(t, hb, mode)
		assert.Equal(t, Namespace, hb.Str("namespace"))
		assert.Equal(t, "Degraded", hb.Str("metricName"), "published on every run, watching or not")
		assert.Contains(t, Source, `for key, name in METRICS.items()]`, "the function publishes every verdict metric each run")
		assert.Equal(t, there, hb.Str("dimensions.WatchedRegion"))
		assert.Equal(t, "SampleCount", hb.Str("statistic"))
		assert.Equal(t, "LessThanThreshold", hb.Str("comparisonOperator"))
		assert.Equal(t, 1.0, hb.Num("threshold"))
		assert.Equal(t, 60.0, hb.Num("period"))
		assert.Equal(t, float64(HeartbeatMinutes), hb.Num("evaluationPeriods"))
		assert.Equal(t, float64(HeartbeatMinutes), hb.Num("datapointsToAlarm"))
		assert.Equal(t, "breaching", hb.Str("treatMissingData"), "silence is the failure it exists for")
		assert.Equal(t, []string{topicArn}, hb.Strings("alarmActions"))
		assert.Equal(t, []string{topicArn}, hb.Strings("okActions"))
		assert.LessOrEqual(t, len(hb.Str("alarmDescription")), 1024)

		errs := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-errors")
		require.NotNil(t, errs, mode)
		assert.Equal(t, "AWS/Lambda", errs.Str("namespace"))
		assert.Equal(t, "Errors", errs.Str("metricName"))
		assert.Equal(t, fn.Outputs["name"].StringValue(), errs.Str("dimensions.FunctionName"))
		assert.Len(t, errs.Prop("dimensions").ObjectValue(), 1, "FunctionName only: the pair Lambda publishes")
		assert.Equal(t, "Sum", errs.Str("statistic"))
		assert.Equal(t, "GreaterThanThreshold", errs.Str("comparisonOperator"))
		assert.Equal(t, 0.0, errs.Num("threshold"))
		assert.Equal(t, []string{topicArn}, errs.Strings("alarmActions"))
		component := m.Named("multi-region-ha:detector:Detector", name)
		require.NotNil(t, component)
		for _, a := range []*offline.Resource{hb, errs} {
			assert.Equal(t, here, a.Region, "%s in the detector's own region", a.Name)
			assert.Equal(t, component.URN, a.Parent, a.Name)
		}
	}
}

func TestNotifyNeverStartsTheRunbook(t *testing.T) {
	m := mustRun(t, testArgs(ModeNotify))
	for _, target := range m.OfType("aws:cloudwatch/eventTarget:EventTarget") {
		assert.NotEqual(t, machineArn, target.Str("arn"), target.Name)
	}
	for _, p := range m.OfType("aws:iam/rolePolicy:RolePolicy") {
		assert.NotContains(t, p.Str("policy"), "states:StartExecution", p.Name)
	}
}

func TestAutoStartsOnlyThisRegionsRunbookFromTheAlarm(t *testing.T) {
	m := mustRun(t, testArgs(ModeAuto))
	promote := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-promote")
	rule := m.Named("aws:cloudwatch/eventRule:EventRule", name+"-start")
	require.NotNil(t, rule)
	assert.Equal(t, map[string]any{
		"source":      []any{"aws.cloudwatch"},
		"detail-type": []any{"CloudWatch Alarm State Change"},
		"resources":   []any{promote.Outputs["arn"].StringValue()},
		"detail":      map[string]any{"state": map[string]any{"value": []any{"ALARM"}}},
	}, rule.JSON("eventPattern"))
	target := m.Named("aws:cloudwatch/eventTarget:EventTarget", name+"-start")
	assert.Equal(t, machineArn, target.Str("arn"))
	template := target.Str("inputTransformer.inputTemplate")
	assert.True(t, strings.HasPrefix(template, `{"mode":"auto","trigger":"detector","evidence":{`), template)
	role := m.Named("aws:iam/role:Role", name+"-start-role")
	assert.Equal(t, role.Outputs["arn"].StringValue(), target.Str("roleArn"))
	trust := role.JSON("assumeRolePolicy")["Statement"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": offline.AccountID},
		"ArnLike":      map[string]any{"aws:SourceArn": rule.Outputs["arn"].StringValue()},
	}, trust["Condition"])
	policy := m.Named("aws:iam/rolePolicy:RolePolicy", name+"-start").JSON("policy")
	assert.Equal(t, []any{map[string]any{
		"Sid": "StartOwnRunbook", "Effect": "Allow", "Action": []any{"states:StartExecution"}, "Resource": []any{machineArn},
	}}, policy["Statement"])
	assert.True(t, target.DependsOn(m.Named("aws:iam/rolePolicy:RolePolicy", name+"-start")))
	assert.Equal(t, 300.0, target.Num("retryPolicy.maximumEventAgeInSeconds"), "no start on hours-old evidence")
	assert.Equal(t, 10.0, target.Num("retryPolicy.maximumRetryAttempts"))
}

// The input template becomes valid JSON once EventBridge inserts the JSON values of the paths.
func TestInputTemplateRendersToJSON(t *testing.T) {
	rendered := InputTemplate(here, there)
	for key := range InputPaths {
		rendered = strings.ReplaceAll(rendered, "<"+key+">", `"x \"quoted\""`)
	}
	var v map[string]any
	require.NoError(t, jsonUnmarshal(rendered, &v), rendered)
	assert.Equal(t, "auto", v["mode"])
	assert.Equal(t, TriggerDetector, v["trigger"])
	assert.Equal(t, there, v["evidence"].(map[string]any)["watchedRegion"])
	// The runbook's auto rule reads this (failover.EvidenceWriterAvailable): a detector's start is
	// never a switchover.
	assert.Equal(t, false, v["evidence"].(map[string]any)["writerAvailable"])
}

// evidence.writerAvailable = false is true by construction: no minute with a PromoteSignal had the
// watched region's RDS API show the writer available (the veto), in any scenario.
func TestPromoteSignalNeverWhileTheWriterIsShownAvailable(t *testing.T) {
	signals := 0
	for _, tc := range scenarios() {
		out := Simulate(tc.sc)
		for i, v := range out.Verdicts {
			if v.PromoteSignal {
				signals++
				p := out.Probes[i]
				assert.False(t, p.WriterAPIAnswers && p.WriterAvailable, "%s minute %d", tc.name, i)
				assert.Equal(t, Failover, v.Mode, "%s minute %d", tc.name, i)
			}
		}
	}
	assert.Greater(t, signals, 10)
}

func TestArgsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Args)
		want   string
	}{
		{"off builds nothing", func(a *Args) { a.Mode = ModeOff }, "Mode"},
		{"same region", func(a *Args) { a.WatchedRegion = here }, "two different regions"},
		{"N too big", func(a *Args) { a.AfterMinutes = 31 }, "1 to 30"},
		{"N zero", func(a *Args) { a.AfterMinutes = 0 }, "1 to 30"},
		{"probe not pinned", func(a *Args) { a.ProbeUrl = "https://app.example.com/health" }, "pinned to us-east-1"},
		{"probe pinned to itself", func(a *Args) { a.ProbeUrl = "https://app.example.com/_probe/us-west-2/health" }, "pinned to us-east-1"},
		{"no runbook", func(a *Args) { a.StateMachineArn = nil }, "StateMachineArn is required"},
		{"no failover name", func(a *Args) { a.FailoverName = "" }, "origin.<viewer>"},
		{"own origin of the other region", func(a *Args) { a.OwnOriginName = there + ".origin.app.example.com" }, "us-west-2.origin.<viewer>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := testArgs(ModeAuto)
			tc.change(args)
			_, err := run(t, args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := run(t, nil)
	assert.ErrorContains(t, err, "args are required")
}

// The account comes from config (accountId), never from a lookup: a malformed one is refused
// before any resource.
func TestAccountIdMustBeTwelveDigits(t *testing.T) {
	args := testArgs(ModeAuto)
	args.AccountId = "1234567890123"
	m, err := run(t, args)
	assert.ErrorContains(t, err, "12-digit")
	for _, r := range m.Resources() {
		assert.True(t, strings.HasPrefix(r.Type, "pulumi:") || strings.HasPrefix(r.Type, "multi-region-ha:"), "no resource before the args are valid: %s", r.Type)
	}
}

func TestCheckMode(t *testing.T) {
	for _, ok := range []string{"off", "notify", "auto"} {
		assert.NoError(t, CheckMode(ok))
	}
	for _, bad := range []string{"true", "false"} {
		err := CheckMode(bad)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "boolean")
		assert.Contains(t, err.Error(), "off, notify, auto")
	}
	assert.ErrorContains(t, CheckMode("on"), "off, notify, auto")
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
