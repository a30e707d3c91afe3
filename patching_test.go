package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/pkg/patching/patchspec"
	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

// Whole-program tests of patching: each region measures its own instances every day, reports to
// its own topic, and (with compute.patchInstall) installs one instance at a time in a window that
// never overlaps the other region's.

// withPatchInstall is cfg with in-place installs on and the secondary's window set to window.
func withPatchInstall(cfg map[string]string, window string) map[string]string {
	out := map[string]string{}
	for k, v := range cfg {
		out[k] = v
	}
	compute := map[string]any{}
	if raw, ok := out["multi-region-ha:compute"]; ok {
		if err := json.Unmarshal([]byte(raw), &compute); err != nil {
			panic(err)
		}
	}
	compute["patchInstall"], compute["patchWindow"] = true, window
	b, err := json.Marshal(compute)
	if err != nil {
		panic(err)
	}
	out["multi-region-ha:compute"] = string(b)
	return out
}

// asgName is the physical name of region's Auto Scaling group, as later resources receive it.
func asgName(t *testing.T, m *offline.Mocks, region string) string {
	t.Helper()
	groups := m.InRegion("aws:autoscaling/group:Group", region)
	require.Len(t, groups, 1, region)
	return groups[0].Outputs["name"].StringValue()
}

func TestBothRegionsHaveTheBaselineAndTheDailyScanOfTheirOwnInstances(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			patchGroup := "multi-region-ha-" + tc.stack
			for _, region := range []string{tc.primary, tc.secondary} {
				other := tc.secondary
				if region == tc.secondary {
					other = tc.primary
				}
				comp := m.Named("multi-region-ha:patching:Patching", "patching-"+region)
				require.NotNil(t, comp, region)
				for _, r := range m.Descendants(comp.URN) {
					if r.Custom {
						assert.Equal(t, region, r.Region, "%s %s is on its region's provider", r.Type, r.Name)
					}
				}

				baselines := m.InRegion("aws:ssm/patchBaseline:PatchBaseline", region)
				require.Len(t, baselines, 1, region)
				b := baselines[0]
				assert.Equal(t, "AMAZON_LINUX_2023", b.Str("operatingSystem"))
				assert.Equal(t, 1, b.Len("approvalRules"))
				assert.Equal(t, 7.0, b.Num("approvalRules[0].approveAfterDays"), "default compute.patchApproveAfterDays")
				assert.False(t, b.Bool("approvalRules[0].enableNonSecurity"))
				filters := map[string][]string{}
				for i := 0; i < b.Len("approvalRules[0].patchFilters"); i++ {
					f := fmt.Sprintf("approvalRules[0].patchFilters[%d].", i)
					filters[b.Str(f+"key")] = b.Strings(f + "values")
				}
				assert.Equal(t, map[string][]string{"CLASSIFICATION": {"Security", "Bugfix"}, "SEVERITY": {"Critical", "Important"}}, filters)

				// Registered for the stack's patch group, never as the region's default baseline.
				assert.Empty(t, m.OfType("aws:ssm/defaultPatchBaseline:DefaultPatchBaseline"))
				groups := m.InRegion("aws:ssm/patchGroup:PatchGroup", region)
				require.Len(t, groups, 1)
				assert.Equal(t, b.ID, groups[0].Str("baselineId"))
				assert.Equal(t, patchGroup, groups[0].Str("patchGroup"))
				asg := m.InRegion("aws:autoscaling/group:Group", region)[0]
				tagged := false
				for i := 0; i < asg.Len("tags"); i++ {
					tag := fmt.Sprintf("tags[%d].", i)
					if asg.Str(tag+"key") == "PatchGroup" {
						tagged = asg.Str(tag+"value") == patchGroup && asg.Bool(tag+"propagateAtLaunch")
					}
				}
				assert.True(t, tagged, "%s: the group's instances carry the patch group", region)

				scans := m.InRegion("aws:ssm/association:Association", region)
				require.Len(t, scans, 1, region)
				scan := scans[0]
				assert.Equal(t, "AWS-RunPatchBaseline", scan.Str("name"))
				assert.Equal(t, "Scan", scan.Str("parameters.Operation"))
				assert.Equal(t, "cron(0 2 ? * * *)", scan.Str("scheduleExpression"), "daily")
				assert.False(t, scan.Bool("applyOnlyAtCronInterval"), "the first scan runs at creation")
				require.Equal(t, 1, scan.Len("targets"))
				assert.Equal(t, "tag:aws:autoscaling:groupName", scan.Str("targets[0].key"))
				assert.Equal(t, []string{asgName(t, m, region)}, scan.Strings("targets[0].values"), "exactly %s's group", region)
				assert.NotContains(t, scan.Strings("targets[0].values"), asgName(t, m, other))
				assert.True(t, scan.DependsOn(groups[0]), "the scan waits for the patch group registration")

				// Output to this region's bucket, encrypted with a rotating CMK, and expiring.
				bucket := m.Named("aws:s3/bucketV2:BucketV2", "patching-"+region+"-output")
				require.NotNil(t, bucket)
				assert.Equal(t, bucket.Outputs["bucket"].StringValue(), scan.Str("outputLocation.s3BucketName"))
				assert.Equal(t, region, scan.Str("outputLocation.s3Region"))
				assert.Equal(t, "scan/", scan.Str("outputLocation.s3KeyPrefix"))
				key := m.Named("aws:kms/key:Key", "patching-"+region+"-output-key")
				require.NotNil(t, key)
				assert.True(t, key.Bool("enableKeyRotation"))
				enc := m.Named("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "patching-"+region+"-output-encryption")
				require.NotNil(t, enc)
				assert.Equal(t, "aws:kms", enc.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
				assert.Equal(t, key.Outputs["arn"].StringValue(), enc.Str("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"))
				life := m.Named("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "patching-"+region+"-output-lifecycle")
				require.NotNil(t, life)
				retention := 365.0
				if tc.stack == "staging" {
					retention = 90
				}
				assert.Equal(t, retention, life.Num("rules[0].expiration.days"), "kept a year in prod, 90 days in staging")

				// The instance role (compute's) gets the one policy the patch document needs.
				role := m.Named("aws:iam/role:Role", "compute-"+region+"-instance-role")
				grant := m.Named("aws:iam/rolePolicy:RolePolicy", "patching-"+region+"-instance-patching")
				require.NotNil(t, grant)
				assert.Equal(t, role.Outputs["name"].StringValue(), grant.Str("role"))
				doc := toJSON(t, grant.JSON("policy"))
				assert.Contains(t, doc, "arn:aws:s3:::patch-baseline-snapshot-"+region+"/*")
				assert.Contains(t, doc, bucket.Outputs["arn"].StringValue()+"/scan/*")
				assert.Contains(t, doc, key.Outputs["arn"].StringValue())
				assert.NotContains(t, doc, other, "nothing of the other region")
				assert.True(t, scan.DependsOn(grant), "the first scan can write its output")
			}
		})
	}
}

func TestNonCompliantInstancesReachTheirRegionsTopicAndSayToBumpTheImages(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			for _, region := range []string{tc.primary, tc.secondary} {
				rule := m.Named("aws:cloudwatch/eventRule:EventRule", "patching-"+region+"-noncompliant")
				require.NotNil(t, rule, region)
				assert.Equal(t, region, rule.Region)
				var pattern map[string]any
				require.NoError(t, json.Unmarshal([]byte(rule.Str("eventPattern")), &pattern))
				assert.Equal(t, map[string]any{
					"source":      []any{"aws.ssm"},
					"detail-type": []any{"Configuration Compliance State Change"},
					"detail":      map[string]any{"compliance-type": []any{"Patch"}, "compliance-status": []any{"non_compliant"}},
				}, pattern)

				target := m.Named("aws:cloudwatch/eventTarget:EventTarget", "patching-"+region+"-noncompliant-topic")
				require.NotNil(t, target)
				topics := m.InRegion("aws:sns/topic:Topic", region)
				require.Len(t, topics, 1, region)
				topic := topics[0]
				assert.Equal(t, topic.Outputs["arn"].StringValue(), target.Str("arn"), "the topic of the same region")
				text := target.Str("inputTransformer.inputTemplate")
				assert.Contains(t, text, "go run . pin --stack "+tc.stack+" --images")
				assert.Contains(t, text, "<instance>", "placeholders are not HTML-escaped")
				assert.Equal(t, "$.detail.resource-id", target.Str("inputTransformer.inputPaths.instance"))

				// The topic admits EventBridge rules of this account only, and its key lets them publish.
				policies := m.InRegion("aws:sns/topicPolicy:TopicPolicy", region)
				require.NotEmpty(t, policies)
				admitted := false
				for _, p := range policies {
					for _, s := range p.JSON("policy")["Statement"].([]any) {
						st := s.(map[string]any)
						if strings.Contains(toJSON(t, st["Principal"]), "events.amazonaws.com") {
							admitted = strings.Contains(toJSON(t, st["Condition"]), "aws:SourceAccount") &&
								strings.Contains(toJSON(t, st["Condition"]), ":events:"+region+":")
						}
					}
				}
				assert.True(t, admitted, "%s: the topic admits events.amazonaws.com with source conditions", region)
			}
			assert.Empty(t, m.OfType("aws:ssm/maintenanceWindow:MaintenanceWindow"), "no in-place installs by default")
			assert.Empty(t, m.OfType("aws:ssm/document:Document"))
		})
	}
}

// The program's two windows are patchspec.Windows of the config value (whose exhaustive test
// covers every valid value), and for values at the week's edges they do not overlap.
func TestInstallWindowsOfTheTwoRegionsNeverOverlap(t *testing.T) {
	for _, window := range []string{patchspec.DefaultWindow, "cron(59 23 ? * SAT *)", "cron(0 0 ? * SUN *)", "cron(30 22 ? * FRI *)"} {
		for _, tc := range programCases {
			t.Run(tc.name+" "+window, func(t *testing.T) {
				m := offlinetest.MustRun(t, tc.stack, withPatchInstall(tc.config(t), window), run)
				home := m.InRegion("aws:ssm/maintenanceWindow:MaintenanceWindow", tc.primary)
				secondary := m.InRegion("aws:ssm/maintenanceWindow:MaintenanceWindow", tc.secondary)
				require.Len(t, home, 1)
				require.Len(t, secondary, 1)
				wantSecondary, wantHome, err := patchspec.Windows(window)
				require.NoError(t, err)
				assert.Equal(t, wantSecondary.Cron(), secondary[0].Str("schedule"))
				assert.Equal(t, wantHome.Cron(), home[0].Str("schedule"))
				h, err := patchspec.ParseWindow(home[0].Str("schedule"))
				require.NoError(t, err)
				s, err := patchspec.ParseWindow(secondary[0].Str("schedule"))
				require.NoError(t, err)
				for _, w := range []*offline.Resource{home[0], secondary[0]} {
					assert.Equal(t, "UTC", w.Str("scheduleTimezone"))
					assert.Equal(t, float64(patchspec.DurationHours), w.Num("duration"))
					assert.Equal(t, float64(patchspec.CutoffHours), w.Num("cutoff"))
					assert.True(t, w.Ignores("enabled"), "an operator's pause survives pulumi up")
				}
				assert.False(t, patchspec.Overlap(s, h, int(secondary[0].Num("duration"))))
				assert.Equal(t, 24.0, patchspec.HoursAfter(s, h), "the home region opens a day after the secondary")
			})
		}
	}
}

func TestInstallTaskTakesOneInstanceAtATimeAndStopsOnTheFirstError(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", withPatchInstall(stackConfig(t, "prod"), patchspec.DefaultWindow), run)
	for _, region := range []string{"us-east-1", "us-west-2"} {
		window := m.InRegion("aws:ssm/maintenanceWindow:MaintenanceWindow", region)[0]
		targets := m.InRegion("aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget", region)
		require.Len(t, targets, 1)
		target := targets[0]
		assert.Equal(t, window.ID, target.Str("windowId"))
		assert.Equal(t, "INSTANCE", target.Str("resourceType"))
		assert.Equal(t, "tag:aws:autoscaling:groupName", target.Str("targets[0].key"))
		assert.Equal(t, []string{asgName(t, m, region)}, target.Strings("targets[0].values"))

		tasks := m.InRegion("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", region)
		require.Len(t, tasks, 1)
		task := tasks[0]
		assert.Equal(t, "AUTOMATION", task.Str("taskType"))
		assert.Equal(t, "1", task.Str("maxConcurrency"), "one instance at a time")
		assert.Equal(t, "0", task.Str("maxErrors"), "the first error stops the task")
		assert.Equal(t, "WindowTargetIds", task.Str("targets[0].key"))
		assert.Equal(t, []string{target.ID}, task.Strings("targets[0].values"))

		docs := m.InRegion("aws:ssm/document:Document", region)
		require.Len(t, docs, 1)
		doc := docs[0]
		assert.Equal(t, "Automation", doc.Str("documentType"))
		assert.Equal(t, doc.Outputs["name"].StringValue(), task.Str("taskArn"), "the task runs our runbook, not AWS-PatchAsgInstance")
		var content struct {
			MainSteps []struct {
				Name, Action, OnFailure string
				Inputs                  map[string]any
			}
		}
		require.NoError(t, json.Unmarshal([]byte(doc.Str("content")), &content))
		var apis []string
		recovery := false
		for _, s := range content.MainSteps {
			if s.Inputs["Api"] == "EnterStandby" {
				recovery = true
			}
			switch {
			case !recovery:
				assert.Equal(t, "Abort", s.OnFailure, "%s: nothing to undo before EnterStandby", s.Name)
			case s.Name == "recoverExitStandby":
				assert.Equal(t, "Continue", s.OnFailure, "%s: already in service is fine, the wait decides", s.Name)
			case s.Name == "recoverWaitForInService" || s.Name == "waitForHealthyTarget":
				assert.Equal(t, "Abort", s.OnFailure, s.Name)
			default:
				assert.Equal(t, "step:recoverExitStandby", s.OnFailure, "%s: a failure after EnterStandby puts the instance back first", s.Name)
			}
			assert.Contains(t, []string{"aws:executeAwsApi", "aws:runCommand", "aws:assertAwsResourceProperty", "aws:waitForAwsResourceProperty"}, s.Action, s.Name)
			if api, ok := s.Inputs["Api"].(string); ok && s.Action == "aws:executeAwsApi" {
				apis = append(apis, api)
			}
			if s.Action == "aws:runCommand" {
				assert.Equal(t, "AWS-RunPatchBaseline", s.Inputs["DocumentName"])
				assert.Equal(t, "Install", s.Inputs["Parameters"].(map[string]any)["Operation"])
				apis = append(apis, "Install")
			}
			if s.Inputs["Api"] == "EnterStandby" {
				assert.Equal(t, false, s.Inputs["ShouldDecrementDesiredCapacity"], "AWS refuses a decrement below the group's minimum")
			}
		}
		assert.Equal(t, []string{"EnterStandby", "Install", "ExitStandby", "ExitStandby"}, apis, "out of service, patch, back; and back on the recovery path")

		params := map[string][]string{}
		for i := 0; i < task.Len("taskInvocationParameters.automationParameters.parameters"); i++ {
			p := fmt.Sprintf("taskInvocationParameters.automationParameters.parameters[%d].", i)
			params[task.Str(p+"name")] = task.Strings(p + "values")
		}
		assert.Equal(t, []string{"{{RESOURCE_ID}}"}, params["InstanceId"])
		assert.Equal(t, []string{asgName(t, m, region)}, params["AutoScalingGroupName"])
		automationRole := m.Named("aws:iam/role:Role", "patching-"+region+"-install-automation-role")
		windowRole := m.Named("aws:iam/role:Role", "patching-"+region+"-install-window-role")
		require.NotNil(t, automationRole)
		require.NotNil(t, windowRole)
		assert.Equal(t, []string{automationRole.Outputs["arn"].StringValue()}, params["AutomationAssumeRole"])
		assert.Equal(t, windowRole.Outputs["arn"].StringValue(), task.Str("serviceRoleArn"))

		// Both roles: Systems Manager of this account only; no role creation anywhere.
		for _, r := range []*offline.Resource{automationRole, windowRole} {
			trust := toJSON(t, r.JSON("assumeRolePolicy"))
			assert.Contains(t, trust, `"ssm.amazonaws.com"`)
			assert.Contains(t, trust, `"aws:SourceAccount":"`+offline.AccountID+`"`)
		}
		for _, name := range []string{"install-automation", "install-window", "instance-patching"} {
			grant := m.Named("aws:iam/rolePolicy:RolePolicy", "patching-"+region+"-"+name)
			require.NotNil(t, grant, name)
			doc := toJSON(t, grant.JSON("policy"))
			assert.NotContains(t, doc, "iam:CreateRole", name)
			assert.NotContains(t, doc, "iam:Attach", name)
		}
		automation := toJSON(t, m.Named("aws:iam/rolePolicy:RolePolicy", "patching-"+region+"-install-automation").JSON("policy"))
		assert.Contains(t, automation, "autoScalingGroupName/"+asgName(t, m, region), "standby of this region's group only")
		assert.Contains(t, automation, `"ssm:resourceTag/aws:autoscaling:groupName":"`+asgName(t, m, region)+`"`)
	}
}

func TestBadPatchingConfigIsRefusedNamingTheKey(t *testing.T) {
	for _, tc := range []struct{ compute, want string }{
		{`{"patchApproveAfterDays":101}`, "multi-region-ha:compute.patchApproveAfterDays: is 101"},
		{`{"patchApproveAfterDays":-1}`, "multi-region-ha:compute.patchApproveAfterDays: is -1"},
		{`{"patchInstall":true,"patchWindow":"cron(0 3 ? * * *)"}`, "multi-region-ha:compute.patchWindow:"},
		{`{"patchWindow":"cron(0 25 ? * MON *)"}`, "multi-region-ha:compute.patchWindow:"},
		{`{"patchInstall":"sometimes"}`, "multi-region-ha:compute.patchInstall:"},
	} {
		t.Run(tc.compute, func(t *testing.T) {
			cfg := stackConfig(t, "prod")
			cfg["multi-region-ha:compute"] = tc.compute
			m, err := offlinetest.Run(t, "prod", cfg, run)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, m.Resources(), "no resource may be registered when config is bad")
		})
	}
}

func TestPatchingPassesEveryGuardrail(t *testing.T) {
	for _, tc := range guardrailCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, withPatchInstall(tc.config(t), patchspec.DefaultWindow), run)
			resources := policyResources(m)
			seen := 0
			for _, r := range resources {
				if strings.HasPrefix(r.Name, "patching-") {
					seen++
				}
			}
			assert.Greater(t, seen, 15, "the guardrails see the patching resources")
			for _, v := range policy.Check(resources) {
				t.Errorf("%s", v)
			}
		})
	}
}

// The targeted update the docs give for rolling the non-writer region first names real URNs.
func TestImageRollCommandNamesTheProgramsUrns(t *testing.T) {
	docs, err := os.ReadFile("docs/compute.md")
	require.NoError(t, err)
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	for _, r := range []struct{ typ, name string }{
		{"aws:ec2/launchTemplate:LaunchTemplate", "compute-us-west-2-lt"},
		{"aws:autoscaling/group:Group", "compute-us-west-2-asg"},
	} {
		res := m.Named(r.typ, r.name)
		require.NotNil(t, res, r.name)
		documented := strings.NewReplacer("<stack>", "prod", "<r>", "us-west-2").Replace(
			"urn:pulumi:<stack>::multi-region-ha::multi-region-ha:compute:Compute$" + r.typ + "::compute-<r>-" + strings.TrimPrefix(r.name, "compute-us-west-2-"))
		assert.Equal(t, res.URN, documented)
		assert.Contains(t, string(docs), "--target 'urn:pulumi:<stack>::multi-region-ha::multi-region-ha:compute:Compute$"+r.typ+"::compute-<r>-")
	}
}

// Recording a failover (database.writerRegion) changes nothing in patching: the same resources on
// the same providers with the same inputs, and the install windows still follow the home region
// (the pause after a failover is the operator's, docs/compute.md).
func TestPatchWindowsFollowTheHomeRegionAndKeepAnOperatorsPause(t *testing.T) {
	// The writer is runtime state: the windows' order follows primaryRegion, which a failover never
	// changes, and an operator pauses the secondary's window after a failover (docs/compute.md). A
	// later pulumi up must keep that pause: each window ignores exactly its enabled flag.
	m := offlinetest.MustRun(t, "prod", withPatchInstall(stackConfig(t, "prod"), patchspec.DefaultWindow), run)
	windows := m.OfType("aws:ssm/maintenanceWindow:MaintenanceWindow")
	require.Len(t, windows, 2)
	for _, w := range windows {
		assert.Equal(t, []string{"enabled"}, w.IgnoreChanges, w.Name)
	}
}
