package offline

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Output models of the failover and deployments areas: EventBridge rules and the IAM OIDC provider.
func init() {
	RegisterOutputs("aws:cloudwatch/eventRule:EventRule", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		bus := "default"
		if b, ok := out["eventBusName"]; ok && b.IsString() && b.StringValue() != "" {
			bus = b.StringValue()
		}
		prefix := ""
		if bus != "default" {
			prefix = bus + "/"
		}
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:events:%s:%s:rule/%s%s", r.Region, AccountID, prefix, out["name"].StringValue()))
	})
	RegisterOutputs("aws:iam/openIdConnectProvider:OpenIdConnectProvider", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		host := strings.TrimPrefix(out["url"].StringValue(), "https://")
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", AccountID, host))
	})
}
