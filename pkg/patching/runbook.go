package patching

import "encoding/json"

// Runbook step names, in order. Each aborts the automation on failure, and the window task allows
// no error (MaxErrors 0), so the first failure stops the whole window: no second instance is taken
// out while the first is in trouble.
const (
	stepAssertMember     = "assertInThisGroup"
	stepAssertInService  = "assertInService"
	stepEnterStandby     = "enterStandby"
	stepWaitStandby      = "waitForStandby"
	stepInstall          = "installPatches"
	stepExitStandby      = "exitStandby"
	stepWaitInService    = "waitForInService"
	stepWaitHealthy      = "waitForHealthyTarget"
	runbookSchemaVersion = "0.3"
)

// Timeouts of the waiting steps (seconds). The install includes a reboot.
const (
	standbyTimeout = 600
	installTimeout = 3600
	healthyTimeout = 900
)

// runbook is the install automation for one instance of an Auto Scaling group:
//
//  1. the instance belongs to the group and is InService (a second run on the same instance, or one
//     already taken out by someone else, stops here);
//  2. EnterStandby, decrementing the desired capacity: AWS refuses it when the group would drop
//     below its minimum, so capacity never does, and a standby instance is neither health-checked
//     nor replaced, so its reboot cannot lose the patch;
//  3. AWS-RunPatchBaseline Install with RebootIfNeeded, output to the encrypted bucket;
//  4. ExitStandby (desired capacity back), wait until it is InService and healthy in the target
//     group before the window moves on to the next instance.
//
// Only aws:assertAwsResourceProperty, aws:executeAwsApi, aws:waitForAwsResourceProperty and
// aws:runCommand: no script, no resource or role created at run time.
func runbook() string {
	instance := []string{"{{ InstanceId }}"}
	describe := map[string]any{"Service": "autoscaling", "Api": "DescribeAutoScalingInstances", "InstanceIds": instance}
	with := func(m map[string]any, extra map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	step := func(name, action string, inputs map[string]any, timeout int) map[string]any {
		s := map[string]any{"name": name, "action": action, "inputs": inputs, "onFailure": "Abort", "isCritical": true, "maxAttempts": 1}
		if timeout > 0 {
			s["timeoutSeconds"] = timeout
		}
		return s
	}
	doc := map[string]any{
		"schemaVersion": runbookSchemaVersion,
		"description":   "Patch one instance of an Auto Scaling group in place: standby, AWS-RunPatchBaseline Install, back in service, healthy. Stops on the first error.",
		"assumeRole":    "{{ AutomationAssumeRole }}",
		"parameters": map[string]any{
			"InstanceId":           map[string]any{"type": "String", "allowedPattern": "^i-[a-f0-9]{8,17}$", "description": "The instance (the window passes {{RESOURCE_ID}})."},
			"AutoScalingGroupName": map[string]any{"type": "String", "description": "Its Auto Scaling group."},
			"TargetGroupArn":       map[string]any{"type": "String", "description": "The group's target group."},
			"AutomationAssumeRole": map[string]any{"type": "String", "description": "The role the steps run as."},
			"OutputS3BucketName":   map[string]any{"type": "String", "description": "Encrypted bucket for the command output."},
			"OutputS3KeyPrefix":    map[string]any{"type": "String", "default": installPrefix, "description": "Key prefix of the command output."},
		},
		"mainSteps": []any{
			step(stepAssertMember, "aws:assertAwsResourceProperty", with(describe, map[string]any{
				"PropertySelector": "$.AutoScalingInstances[0].AutoScalingGroupName",
				"DesiredValues":    []string{"{{ AutoScalingGroupName }}"},
			}), 0),
			step(stepAssertInService, "aws:assertAwsResourceProperty", with(describe, map[string]any{
				"PropertySelector": "$.AutoScalingInstances[0].LifecycleState",
				"DesiredValues":    []string{"InService"},
			}), 0),
			step(stepEnterStandby, "aws:executeAwsApi", map[string]any{
				"Service": "autoscaling", "Api": "EnterStandby",
				"AutoScalingGroupName":           "{{ AutoScalingGroupName }}",
				"InstanceIds":                    instance,
				"ShouldDecrementDesiredCapacity": true,
			}, 0),
			step(stepWaitStandby, "aws:waitForAwsResourceProperty", with(describe, map[string]any{
				"PropertySelector": "$.AutoScalingInstances[0].LifecycleState",
				"DesiredValues":    []string{"Standby"},
			}), standbyTimeout),
			step(stepInstall, "aws:runCommand", map[string]any{
				"DocumentName":       patchDocument,
				"InstanceIds":        instance,
				"Parameters":         map[string]any{"Operation": "Install", "RebootOption": "RebootIfNeeded"},
				"OutputS3BucketName": "{{ OutputS3BucketName }}",
				"OutputS3KeyPrefix":  "{{ OutputS3KeyPrefix }}",
				"TimeoutSeconds":     installTimeout,
			}, installTimeout),
			step(stepExitStandby, "aws:executeAwsApi", map[string]any{
				"Service": "autoscaling", "Api": "ExitStandby",
				"AutoScalingGroupName": "{{ AutoScalingGroupName }}",
				"InstanceIds":          instance,
			}, 0),
			step(stepWaitInService, "aws:waitForAwsResourceProperty", with(describe, map[string]any{
				"PropertySelector": "$.AutoScalingInstances[0].LifecycleState",
				"DesiredValues":    []string{"InService"},
			}), standbyTimeout),
			step(stepWaitHealthy, "aws:waitForAwsResourceProperty", map[string]any{
				"Service": "elbv2", "Api": "DescribeTargetHealth",
				"TargetGroupArn":   "{{ TargetGroupArn }}",
				"Targets":          []map[string]any{{"Id": "{{ InstanceId }}"}},
				"PropertySelector": "$.TargetHealthDescriptions[0].TargetHealth.State",
				"DesiredValues":    []string{"healthy"},
			}, healthyTimeout),
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic("patching: runbook: " + err.Error())
	}
	return string(b)
}
