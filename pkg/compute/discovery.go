package compute

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// DatabaseDiscovery tells the default application where its database is without wiring the
// database's outputs into compute (the database is created after compute, and an output in user
// data would roll every instance): names that are fixed before anything exists.
type DatabaseDiscovery struct {
	// GlobalClusterIdentifier is the Aurora global cluster's identifier. The application reads the
	// global cluster's members to find its own region's cluster and queries its reader endpoint for
	// the global topology (any instance answers).
	GlobalClusterIdentifier string
	// SecretNamePrefix starts the name of the credentials secret (a replica exists in every region);
	// the application picks the one tagged with this stack's Stack tag.
	SecretNamePrefix string
	// WriteForwarding (database.writeForwarding) tells the application that the clusters forward
	// writes: while its region is secondary it writes through its own region's cluster.
	WriteForwarding bool
}

// set reports whether discovery is configured.
func (d DatabaseDiscovery) set() bool {
	return d.GlobalClusterIdentifier != "" && d.SecretNamePrefix != ""
}

// discoveryPolicy lets the instances find the database: read the global cluster's members and the
// region's clusters (describe calls only) and list secrets' metadata (ListSecrets supports no
// resource-level permission and returns no secret value; reading the value is the database's own
// grant on the one secret).
func discoveryPolicy(acct kmskey.Account, d DatabaseDiscovery) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "ReadTheGlobalClusterMembers",
			Effect:   "Allow",
			Action:   []string{"rds:DescribeGlobalClusters"},
			Resource: []string{fmt.Sprintf("arn:%s:rds::%s:global-cluster:%s", acct.Partition, acct.ID, d.GlobalClusterIdentifier)},
		},
		iampolicy.Statement{
			Sid:      "ReadTheRegionsClusterEndpoints",
			Effect:   "Allow",
			Action:   []string{"rds:DescribeDBClusters"},
			Resource: []string{fmt.Sprintf("arn:%s:rds:%s:%s:cluster:*", acct.Partition, acct.Region, acct.ID)},
		},
		iampolicy.Statement{
			Sid:      "FindTheCredentialsSecret",
			Effect:   "Allow",
			Action:   []string{"secretsmanager:ListSecrets"},
			Resource: []string{"*"},
		},
	)
}

// newDatabaseDiscovery attaches discoveryPolicy to the instances' role when the default application
// runs and discovery is configured. A custom application brings its own configuration.
// It returns nil without one. The launch template waits for it like for the role's other policies,
// so the application can discover the database from its first boot.
func newDatabaseDiscovery(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account, role *iam.Role, opts ...pulumi.ResourceOption) (pulumi.Resource, error) {
	if args.UserData != "" || !args.Database.set() {
		return nil, nil
	}
	return iam.NewRolePolicy(ctx, name+"-instance-discover-database", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: pulumi.String(discoveryPolicy(acct, args.Database).JSON()),
	}, opts...)
}
