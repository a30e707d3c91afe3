package offline

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Output models of the database area. The global cluster keeps the model registered before this
// file (its ARN) and adds the global writer endpoint AWS reports for every global database.
func init() {
	const globalCluster = "aws:rds/globalCluster:GlobalCluster"
	previous := outputModels[globalCluster]
	RegisterOutputs(globalCluster, func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		if previous != nil {
			previous(r, out, set)
		}
		id := r.Name
		if v, ok := out["globalClusterIdentifier"]; ok && v.IsString() {
			id = v.StringValue()
		}
		set("endpoint", fmt.Sprintf("%s.global-%x.global.rds.amazonaws.com", id, hash(id)))
		set("globalClusterResourceId", fmt.Sprintf("cluster-%x", hash("gr"+id)))
	})
	RegisterOutputs("aws:secretsmanager/secretVersion:SecretVersion", func(r *Resource, out resource.PropertyMap, set func(string, any)) {
		set("versionId", fmt.Sprintf("%08x-0000-4000-8000-000000000000", hash(r.Name)))
	})
}
