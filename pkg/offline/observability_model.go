package offline

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Output models of the observability area: backup vaults and plans, budgets, dashboards.
func init() {
	RegisterOutputs("aws:backup/vault:Vault", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", r.Region, AccountID, out["name"].StringValue()))
	})
	RegisterOutputs("aws:backup/plan:Plan", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:backup:%s:%s:backup-plan:%s", r.Region, AccountID, r.Name))
	})
	RegisterOutputs("aws:budgets/budget:Budget", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		if prefix, ok := out["namePrefix"]; ok && prefix.IsString() {
			out["name"] = resource.NewPropertyValue(fmt.Sprintf("%s%08x", prefix.StringValue(), hash(r.Name)))
		}
		out["arn"] = resource.NewPropertyValue(fmt.Sprintf("arn:aws:budgets::%s:budget/%s", AccountID, out["name"].StringValue()))
	})
	RegisterOutputs("aws:cloudwatch/dashboard:Dashboard", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		set("dashboardArn", fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", AccountID, out["dashboardName"].StringValue()))
	})
}
