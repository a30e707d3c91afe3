package compute

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A tag for the instances only (the patch group) rides on the group's tags, propagated at launch,
// and leaves the launch template alone: adding it must not start an instance refresh.
func TestInstanceTagsReachTheGroupNotTheLaunchTemplate(t *testing.T) {
	plain, _ := runCompute(t, "us-east-1", testArgs(false))
	args := testArgs(false)
	args.InstanceTags = map[string]string{"PatchGroup": "multi-region-ha-test"}
	tagged, _ := runCompute(t, "us-east-1", args)

	group := one(t, tagged, "aws:autoscaling/group:Group")
	found := false
	for i := 0; i < group.Len("tags"); i++ {
		tag := fmt.Sprintf("tags[%d].", i)
		if group.Str(tag+"key") == "PatchGroup" {
			found = true
			assert.Equal(t, "multi-region-ha-test", group.Str(tag+"value"))
			assert.True(t, group.Bool(tag+"propagateAtLaunch"), "instances launched by the group carry it")
		}
	}
	assert.True(t, found, "the group carries the PatchGroup tag")
	assert.Equal(t, one(t, plain, "aws:ec2/launchTemplate:LaunchTemplate").Inputs, one(t, tagged, "aws:ec2/launchTemplate:LaunchTemplate").Inputs,
		"the launch template is unchanged")
}
