package offline

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func init() {
	RegisterOutputs("aws:autoscaling/group:Group", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%08x-0000-4000-8000-000000000000:autoScalingGroupName/%s",
			r.Region, AccountID, hash(r.Name), out["name"].StringValue()))
	})
}
