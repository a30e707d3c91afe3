package failover

import (
	"fmt"
	"strings"
)

// RejoinParams describe the OTHER region's cluster (the old primary after a promotion into this
// region) as the program built it: what a cluster rebuilt into the global database needs so that
// Pulumi's state (after `pulumi refresh`) finds the same identifiers again.
type RejoinParams struct {
	// RunbookRegion is where the runbook runs (the new primary's region): the global cluster is
	// described from there, since the old primary's region may still be impaired.
	RunbookRegion           string
	Region                  string // the old primary's region
	GlobalClusterIdentifier string
	ClusterIdentifier       string
	InstanceIdentifiers     []string
	// Engine is the engine; the version is read from the live global cluster when the commands
	// run (AWS may have upgraded it since the program was configured).
	Engine             string
	InstanceClass      string
	KmsKeyArn          string
	SubnetGroupName    string
	SecurityGroupId    string
	ParameterGroupName string
	Port               int
}

// RejoinCommands are the exact commands that bring a detached old primary back into the global
// database as a secondary. AWS cannot add an existing cluster to a global database (the provider
// refuses to change globalClusterIdentifier of an existing cluster), so `pulumi up` does not do it:
// the detached cluster keeps its data under a new name (for reconciling the writes a failover lost),
// a new secondary takes the old identifiers, and `pulumi refresh` then finds the cluster it manages
// again. Each command names its region explicitly.
func RejoinCommands(p RejoinParams) []string {
	var cmds []string
	add := func(format string, args ...any) { cmds = append(cmds, fmt.Sprintf(format, args...)) }
	add("aws rds describe-global-clusters --region %s --global-cluster-identifier %s --query 'GlobalClusters[0].GlobalClusterMembers[].DBClusterArn'",
		p.RunbookRegion, p.GlobalClusterIdentifier)
	add("ENGINE_VERSION=$(aws rds describe-global-clusters --region %s --global-cluster-identifier %s --query 'GlobalClusters[0].EngineVersion' --output text)   # the live version: a secondary must match it, and AWS may have upgraded it",
		p.RunbookRegion, p.GlobalClusterIdentifier)
	for _, id := range p.InstanceIdentifiers {
		add("aws rds modify-db-instance --region %s --db-instance-identifier %s --new-db-instance-identifier %s-detached --apply-immediately",
			p.Region, id, id)
	}
	add("aws rds modify-db-cluster --region %s --db-cluster-identifier %s --new-db-cluster-identifier %s-detached --apply-immediately",
		p.Region, p.ClusterIdentifier, p.ClusterIdentifier)
	add("aws rds wait db-cluster-available --region %s --db-cluster-identifier %s-detached", p.Region, p.ClusterIdentifier)
	add("aws rds create-db-cluster --region %s --db-cluster-identifier %s --global-cluster-identifier %s --engine %s --engine-version \"$ENGINE_VERSION\" "+
		"--storage-encrypted --kms-key-id %s --db-subnet-group-name %s --vpc-security-group-ids %s --db-cluster-parameter-group-name %s "+
		"--port %d --enable-iam-database-authentication --copy-tags-to-snapshot",
		p.Region, p.ClusterIdentifier, p.GlobalClusterIdentifier, p.Engine,
		p.KmsKeyArn, p.SubnetGroupName, p.SecurityGroupId, p.ParameterGroupName, p.Port)
	add("aws rds wait db-cluster-available --region %s --db-cluster-identifier %s", p.Region, p.ClusterIdentifier)
	for _, id := range p.InstanceIdentifiers {
		add("aws rds create-db-instance --region %s --db-instance-identifier %s --db-cluster-identifier %s --engine %s --db-instance-class %s --no-publicly-accessible",
			p.Region, id, p.ClusterIdentifier, p.Engine, p.InstanceClass)
	}
	add("pulumi refresh   # the state finds the rebuilt cluster and instances under their old identifiers")
	add("pulumi preview   # in-place updates only (tags, monitoring, deletion protection); then pulumi up")
	add("# once the lost writes are reconciled: aws rds delete-db-cluster --region %s --db-cluster-identifier %s-detached (after deleting its instances)",
		p.Region, p.ClusterIdentifier)
	return cmds
}

// RejoinText is RejoinCommands as one numbered block for a report.
func RejoinText(p RejoinParams) string {
	var b strings.Builder
	for i, c := range RejoinCommands(p) {
		fmt.Fprintf(&b, "\n%d. %s", i+1, c)
	}
	b.WriteString("\n")
	return b.String()
}
