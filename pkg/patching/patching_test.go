package patching

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

func testArgs(install bool) *Args {
	return &Args{
		AccountId:            "123456789012",
		Region:               "eu-west-1",
		AutoScalingGroupName: pulumi.String("asg-a"),
		TargetGroupArn:       pulumi.String("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/1"),
		InstanceRoleName:     pulumi.String("instance-role"),
		TopicArn:             pulumi.String("arn:aws:sns:eu-west-1:123456789012:alarms"),
		Stack:                "prod",
		PatchGroup:           "multi-region-ha-prod",
		ApproveAfterDays:     3,
		Install:              install,
		InstallWindow:        "cron(15 4 ? * THU *)",
		OutputRetentionDays:  30,
		Protect:              true,
	}
}

func runPatching(t *testing.T, region string, args *Args) (*offline.Mocks, *Patching) {
	t.Helper()
	var p *Patching
	m := offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		p, err = NewPatching(ctx, "patching-"+region, args, pulumi.Provider(prov))
		return err
	})
	return m, p
}

func TestEveryChildIsParentedNamedAndOnTheRegionsProvider(t *testing.T) {
	m, _ := runPatching(t, "eu-west-1", testArgs(true))
	comp := m.Named("multi-region-ha:patching:Patching", "patching-eu-west-1")
	require.NotNil(t, comp)
	custom := 0
	for _, r := range m.Resources() {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		custom++
		assert.Equal(t, "eu-west-1", r.Region, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, "patching-eu-west-1-"), "%s derives from the component's name", r.Name)
		assert.Contains(t, m.Descendants(comp.URN), r, r.Name)
	}
	assert.Equal(t, 23, custom, "13 to measure, 10 to install (with the failure page)")
}

func TestWithoutInstallThereIsNoWindowNoRunbookNoRole(t *testing.T) {
	m, _ := runPatching(t, "eu-west-1", testArgs(false))
	for _, typ := range []string{"aws:ssm/maintenanceWindow:MaintenanceWindow", "aws:ssm/document:Document", "aws:iam/role:Role", "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask"} {
		assert.Empty(t, m.OfType(typ), typ)
	}
	assert.Len(t, m.OfType("aws:ssm/association:Association"), 1)
	assert.Len(t, m.OfType("aws:ssm/patchBaseline:PatchBaseline"), 1)
}

func TestBaselineTakesTheApprovalDelay(t *testing.T) {
	for _, days := range []int{0, 3, 100} {
		args := testArgs(false)
		args.ApproveAfterDays = days
		m, _ := runPatching(t, "eu-west-1", args)
		b := m.OfType("aws:ssm/patchBaseline:PatchBaseline")[0]
		assert.Equal(t, float64(days), b.Num("approvalRules[0].approveAfterDays"))
		assert.Equal(t, "AMAZON_LINUX_2023", b.Str("operatingSystem"))
	}
}

func TestStatefulResourcesAreProtectedInProd(t *testing.T) {
	for _, protect := range []bool{true, false} {
		args := testArgs(false)
		args.Protect = protect
		m, _ := runPatching(t, "eu-west-1", args)
		assert.Equal(t, protect, m.Named("aws:kms/key:Key", "patching-eu-west-1-output-key").Protect)
		bucket := m.Named("aws:s3/bucketV2:BucketV2", "patching-eu-west-1-output")
		assert.Equal(t, protect, bucket.Protect)
		assert.Equal(t, !protect, bucket.Bool("forceDestroy"))
	}
}

func TestWindowAndTask(t *testing.T) {
	m, p := runPatching(t, "eu-west-1", testArgs(true))
	w := m.OfType("aws:ssm/maintenanceWindow:MaintenanceWindow")[0]
	assert.Equal(t, "cron(15 4 ? * THU *)", w.Str("schedule"))
	assert.Equal(t, "UTC", w.Str("scheduleTimezone"))
	assert.Less(t, w.Num("cutoff"), w.Num("duration"), "AWS: cutoff below duration")
	assert.False(t, w.Bool("allowUnassociatedTargets"))
	assert.True(t, w.Ignores("enabled"))
	task := m.OfType("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask")[0]
	assert.Equal(t, "1", task.Str("maxConcurrency"))
	assert.Equal(t, "0", task.Str("maxErrors"))
	assert.Equal(t, "CANCEL_TASK", task.Str("cutoffBehavior"), "no new instance after the cutoff")
	for _, name := range []string{"patching-eu-west-1-install-automation", "patching-eu-west-1-install-window"} {
		assert.True(t, task.DependsOn(m.Named("aws:iam/rolePolicy:RolePolicy", name)), "the task waits for %s", name)
	}
	require.NotNil(t, p)
}

func TestArgsAreValidated(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Args)
		want   string
	}{
		{"no group", func(a *Args) { a.AutoScalingGroupName = nil }, "AutoScalingGroupName is required"},
		{"no topic", func(a *Args) { a.TopicArn = nil }, "TopicArn is required"},
		{"no stack", func(a *Args) { a.Stack = "" }, "Stack is required"},
		{"bad patch group", func(a *Args) { a.PatchGroup = "has space" }, "PatchGroup"},
		{"delay", func(a *Args) { a.ApproveAfterDays = 101 }, "ApproveAfterDays 101"},
		{"window", func(a *Args) { a.InstallWindow = "cron(0 3 ? * * *)" }, "InstallWindow is"},
		{"retention", func(a *Args) { a.OutputRetentionDays = 0 }, "OutputRetentionDays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := testArgs(true)
			tc.mutate(args)
			_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
				_, err := NewPatching(ctx, "patching", args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
		_, err := NewPatching(ctx, "patching", nil)
		return err
	})
	assert.ErrorContains(t, err, "args are required")
	// Without installs, the window is not read.
	args := testArgs(false)
	args.InstallWindow = ""
	_, err = offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
		_, err := NewPatching(ctx, "patching", args)
		return err
	})
	assert.NoError(t, err)
}

var acct = kmskey.Account{ID: "123456789012", Partition: "aws", Region: "eu-west-1"}

// statement returns the statement with sid.
func statement(t *testing.T, doc iampolicy.Document, sid string) iampolicy.Statement {
	t.Helper()
	for _, s := range doc.Statement {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("no statement %s", sid)
	return iampolicy.Statement{}
}

func TestInstancePolicyWritesOnlyItsOutput(t *testing.T) {
	doc := instancePolicy(acct, "arn:aws:s3:::out", "arn:aws:kms:eu-west-1:123456789012:key/k")
	assert.Equal(t, []string{"arn:aws:s3:::patch-baseline-snapshot-eu-west-1/*", "arn:aws:s3:::aws-ssm-eu-west-1/*"},
		statement(t, doc, "ReadPatchManagerBuckets").Resource)
	w := statement(t, doc, "WritePatchOutput")
	assert.Equal(t, []string{"s3:PutObject"}, w.Action)
	assert.Equal(t, []string{"arn:aws:s3:::out/scan/*", "arn:aws:s3:::out/install/*"}, w.Resource)
	k := statement(t, doc, "EncryptPatchOutput")
	assert.Equal(t, []string{"arn:aws:kms:eu-west-1:123456789012:key/k"}, k.Resource)
	assert.Equal(t, "s3.eu-west-1.amazonaws.com", k.Condition["StringEquals"]["kms:ViaService"])
	assert.Len(t, doc.Statement, 3)

	bahrain := patchManagerBuckets("aws", "me-south-1")
	assert.Equal(t, "arn:aws:s3:::patch-baseline-snapshot-me-south-1-uduvl7q8/*", bahrain[0])
}

func TestAutomationPolicyIsScopedToTheGroup(t *testing.T) {
	doc := automationPolicy(acct, "asg-a")
	assert.Equal(t, []string{"arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/asg-a"},
		statement(t, doc, "StandbyOfThisGroupOnly").Resource)
	on := statement(t, doc, "OnInstancesOfThisGroupOnly")
	assert.Equal(t, "asg-a", on.Condition["StringEquals"]["ssm:resourceTag/aws:autoscaling:groupName"])
	assert.Equal(t, []string{"arn:aws:ssm:eu-west-1::document/AWS-RunPatchBaseline"}, statement(t, doc, "RunPatchDocument").Resource)
	for _, s := range doc.Statement {
		for _, a := range s.Action {
			assert.False(t, strings.HasPrefix(a, "iam:"), "no IAM action: %s", a)
			assert.False(t, strings.HasSuffix(a, ":*"), a)
		}
		if s.Sid != "WatchProgress" {
			assert.NotContains(t, s.Resource, "*", s.Sid)
		}
	}
}

func TestWindowPolicyStartsOnlyTheRunbookAndPassesOnlyItsRole(t *testing.T) {
	doc := windowPolicy(acct, "runbook-1", "arn:aws:iam::123456789012:role/automation")
	assert.Equal(t, []string{"arn:aws:ssm:eu-west-1:123456789012:automation-definition/runbook-1:*"}, statement(t, doc, "StartTheInstallRunbook").Resource)
	pass := statement(t, doc, "PassTheAutomationRole")
	assert.Equal(t, []string{"arn:aws:iam::123456789012:role/automation"}, pass.Resource)
	assert.Equal(t, "ssm.amazonaws.com", pass.Condition["StringEquals"]["iam:PassedToService"])
	trust := serviceTrust(acct).Statement[0]
	assert.Equal(t, "123456789012", trust.Condition["StringEquals"]["aws:SourceAccount"])
}

func TestRunbookUsesOnlyDeclarativeActions(t *testing.T) {
	var doc struct {
		SchemaVersion string         `json:"schemaVersion"`
		AssumeRole    string         `json:"assumeRole"`
		Parameters    map[string]any `json:"parameters"`
		MainSteps     []runbookStep  `json:"mainSteps"`
	}
	require.NoError(t, json.Unmarshal([]byte(runbook()), &doc))
	assert.Equal(t, "0.3", doc.SchemaVersion)
	assert.Equal(t, "{{ AutomationAssumeRole }}", doc.AssumeRole)
	var names []string
	for _, s := range doc.MainSteps {
		names = append(names, s.Name)
		assert.True(t, s.IsCritical, "%s: a failed step fails the execution (the window stops, the rule pages)", s.Name)
		assert.NotEqual(t, "aws:executeScript", s.Action, "no script")
		assert.NotEqual(t, "aws:executeAutomation", s.Action, "no nested runbook (AWS-PatchAsgInstance creates roles)")
	}
	assert.Equal(t, []string{stepAssertMember, stepAssertInService, stepEnterStandby, stepWaitStandby, stepInstall, stepExitStandby, stepWaitInService, stepWaitHealthy,
		stepRecoverExit, stepRecoverInService}, names)
	assert.Equal(t, "RebootIfNeeded", doc.MainSteps[4].Inputs["Parameters"].(map[string]any)["RebootOption"])
	for name := range doc.Parameters {
		assert.Contains(t, runbook(), "{{ "+name+" }}", "parameter %s is used", name)
	}
}

func TestAlarmTextKeepsPlaceholdersAndSaysToBumpImages(t *testing.T) {
	text := alarmText("prod")
	var s string
	require.NoError(t, json.Unmarshal([]byte(text), &s), "a JSON string: SNS receives plain text")
	assert.Contains(t, text, "<instance>")
	assert.Contains(t, text, "<region>")
	assert.NotContains(t, text, `\u003c`)
	assert.Contains(t, s, "go run . pin --stack prod --images")
}

// AWS: associations take only some cron forms; a daily scan is "every day at a specific time",
// cron(M H ? * * *) (Systems Manager User Guide, cron and rate expressions for associations).
func TestScanScheduleIsADailyAssociationCron(t *testing.T) {
	assert.Regexp(t, `^cron\([0-9]{1,2} [0-9]{1,2} \? \* \* \*\)$`, ScanSchedule)
	m, _ := runPatching(t, "eu-west-1", testArgs(false))
	scan := m.OfType("aws:ssm/association:Association")[0]
	assert.Equal(t, ScanSchedule, scan.Str("scheduleExpression"))
	assert.Equal(t, "eu-west-1", scan.Str("outputLocation.s3Region"))
}
