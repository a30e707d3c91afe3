package offline

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Output models of the failover detector: Lambda functions (ARN "function:<name>", as Lambda forms it).
func init() {
	RegisterOutputs("aws:lambda/function:Function", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", r.Region, AccountID, out["name"].StringValue()))
		set("invokeArn", fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", r.Region, out["arn"].StringValue()))
	})
}
