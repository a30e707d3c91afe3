package offline

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AmiID is the AMI ID the offline model stores in SSM parameter name in region: AMI IDs differ per
// region and per parameter (architecture), as AWS's public parameters do.
func AmiID(name, region string) string { return fmt.Sprintf("ami-%08x", hash(region+"|"+name)) }

func init() {
	RegisterInvoke("aws:ssm/getParameter:getParameter", func(args resource.PropertyMap, region string) (resource.PropertyMap, error) {
		name := args["name"].StringValue()
		value := AmiID(name, region)
		if !strings.HasPrefix(name, "/aws/service/") && !strings.Contains(name, "ami") {
			value = "value-of-" + name
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": name, "name": name, "type": "String", "version": 1.0,
			"value":         value,
			"insecureValue": value,
			"arn":           fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s", region, AccountID, name),
		}), nil
	})
	RegisterOutputs("aws:autoscaling/group:Group", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%08x-0000-4000-8000-000000000000:autoScalingGroupName/%s",
			r.Region, AccountID, hash(r.Name), out["name"].StringValue()))
	})
}
