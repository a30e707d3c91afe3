package patching

import "encoding/json"

// Runbook step names, in order. A failure before the instance is in standby ends the automation
// there (Failed: nothing changed); every failure from EnterStandby on goes to the recovery steps,
// which put the instance back in service whatever state it is in. Every step is critical, so the
// execution still ends Failed, the window task allows no error (MaxErrors 0) and no second instance
// is taken out while the first is in trouble; the failure pages through the EventBridge rule on the
// runbook's failed executions (installfailure.go).
const (
	stepAssertMember    = "assertInThisGroup"
	stepAssertInService = "assertInService"
	stepEnterStandby    = "enterStandby"
	stepWaitStandby     = "waitForStandby"
	stepInstall         = "installPatches"
	stepExitStandby     = "exitStandby"
	stepWaitInService   = "waitForInService"
	stepWaitHealthy     = "waitForHealthyTarget"
	// The recovery path: back in service after any failure from EnterStandby on. The runbook then
	// ends (Failed, since the failed step is critical).
	stepRecoverExit      = "recoverExitStandby"
	stepRecoverInService = "recoverWaitForInService"
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
//  2. EnterStandby without decrementing the desired capacity: the group launches a replacement
//     first, so serving capacity stays at desired (AWS refuses a decrement below the minimum, which
//     made every window of a group at its minimum abort), and a standby instance is neither
//     health-checked nor replaced, so its reboot cannot lose the patch. ExitStandby raises the
//     desired capacity by one (the group then scales back in by its termination policy), which
//     needs maxSize above desired: stacks refuses compute.patchInstall without that room;
//  3. AWS-RunPatchBaseline Install with RebootIfNeeded, output to the encrypted bucket;
//  4. ExitStandby, wait until it is InService and healthy in the target group before the window
//     moves on to the next instance.
//
// Any failure from step 2 on (standby never reached, the install failing or timing out, the
// instance not coming back healthy) runs ExitStandby and waits for InService before the execution
// ends Failed: no path leaves the instance in Standby.
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
	// recovering sends a step's failure to the recovery path.
	recovering := func(s map[string]any) map[string]any {
		s["onFailure"] = "step:" + stepRecoverExit
		return s
	}
	exitStandby := map[string]any{
		"Service": "autoscaling", "Api": "ExitStandby",
		"AutoScalingGroupName": "{{ AutoScalingGroupName }}",
		"InstanceIds":          instance,
	}
	// ending makes a step the last one of its path; continuing lets a failed step go on to the next.
	ending := func(s map[string]any) map[string]any { s["isEnd"] = true; return s }
	continuing := func(s map[string]any) map[string]any { s["onFailure"] = "Continue"; return s }
	inService := with(describe, map[string]any{
		"PropertySelector": "$.AutoScalingInstances[0].LifecycleState",
		"DesiredValues":    []string{"InService"},
	})
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
			step(stepAssertInService, "aws:assertAwsResourceProperty", inService, 0),
			recovering(step(stepEnterStandby, "aws:executeAwsApi", map[string]any{
				"Service": "autoscaling", "Api": "EnterStandby",
				"AutoScalingGroupName":           "{{ AutoScalingGroupName }}",
				"InstanceIds":                    instance,
				"ShouldDecrementDesiredCapacity": false,
			}, 0)),
			recovering(step(stepWaitStandby, "aws:waitForAwsResourceProperty", with(describe, map[string]any{
				"PropertySelector": "$.AutoScalingInstances[0].LifecycleState",
				"DesiredValues":    []string{"Standby"},
			}), standbyTimeout)),
			recovering(step(stepInstall, "aws:runCommand", map[string]any{
				"DocumentName":       patchDocument,
				"InstanceIds":        instance,
				"Parameters":         map[string]any{"Operation": "Install", "RebootOption": "RebootIfNeeded"},
				"OutputS3BucketName": "{{ OutputS3BucketName }}",
				"OutputS3KeyPrefix":  "{{ OutputS3KeyPrefix }}",
				"TimeoutSeconds":     installTimeout,
			}, installTimeout)),
			recovering(step(stepExitStandby, "aws:executeAwsApi", exitStandby, 0)),
			recovering(step(stepWaitInService, "aws:waitForAwsResourceProperty", inService, standbyTimeout)),
			ending(step(stepWaitHealthy, "aws:waitForAwsResourceProperty", map[string]any{
				"Service": "elbv2", "Api": "DescribeTargetHealth",
				"TargetGroupArn":   "{{ TargetGroupArn }}",
				"Targets":          []map[string]any{{"Id": "{{ InstanceId }}"}},
				"PropertySelector": "$.TargetHealthDescriptions[0].TargetHealth.State",
				"DesiredValues":    []string{"healthy"},
			}, healthyTimeout)),
			// Recovery: ExitStandby fails harmlessly when the instance is already InService (the
			// failure came after ExitStandby) or never reached Standby; either way the wait decides.
			continuing(step(stepRecoverExit, "aws:executeAwsApi", exitStandby, 0)),
			ending(step(stepRecoverInService, "aws:waitForAwsResourceProperty", inService, standbyTimeout)),
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic("patching: runbook: " + err.Error())
	}
	return string(b)
}
