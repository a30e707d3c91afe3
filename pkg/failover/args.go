// Package failover turns the region-failover runbook into code: a Step Functions state machine per
// region that promotes only its own region's Aurora cluster in the global database (planned
// switchover, unplanned failover, or "auto": switchover while the writer's region answers), safe to
// start twice and under throttling; it waits until the cluster writes, raises this region's desired
// capacity at once and reports the decision, the replication lag at that moment, the timings and,
// when the old primary left the global cluster, the commands that rejoin it. Nothing here starts it:
// a person does, or (database.autoFailover: auto) pkg/detector's rule in the same region.
package failover

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args configures one failover runbook. Main instantiates it in every region from the same
// component, named "failover-<region>": the runbook of a region promotes that region (a failover
// into the standby, a failback into the home region). Nothing in it depends on which region writes
// now. The component's provider (pulumi.Provider in opts) must be the provider of Region.
type Args struct {
	// AccountId is the 12-digit account the stack deploys to (config accountId, never looked up).
	AccountId string
	// Region is the region the state machine runs in and promotes INTO.
	Region                  string
	GlobalClusterIdentifier pulumi.StringInput
	// TargetClusterArn is this region's Aurora cluster: the one to promote.
	TargetClusterArn pulumi.StringInput
	// ClusterArns lists every member cluster of the global cluster (both regions; TargetClusterArn
	// may be among them). SwitchoverGlobalCluster and FailoverGlobalCluster are authorized on the
	// global cluster and on the clusters, so the role gets exactly these. Optional: when nil only
	// TargetClusterArn is granted. (Added field.)
	ClusterArns pulumi.StringArrayInput
	// TargetClusterIdentifier is this region's cluster identifier (its replication-lag dimension);
	// optional, derived from TargetClusterArn. PeerClusterArn is the other region's cluster: the old
	// primary after a promotion into Region, whose membership the report checks. (Added fields.)
	TargetClusterIdentifier pulumi.StringInput
	PeerClusterArn          pulumi.StringInput
	// Peer describes the other region's cluster for the rejoin commands; optional.
	Peer *PeerArgs
	// AutoScalingGroupName is this region's ASG. The runbook raises its desired capacity to
	// DesiredCapacity at once (never below what it runs); it never sends MinSize or MaxSize, which
	// only bound the check here (0 <= MinSize <= DesiredCapacity <= MaxSize).
	AutoScalingGroupName              pulumi.StringInput
	MinSize, DesiredCapacity, MaxSize int
	// TopicArn is the SNS topic in Region for the report; TopicKmsKeyArn its customer-managed key.
	TopicArn       pulumi.StringInput
	TopicKmsKeyArn pulumi.StringInput
	// LogRetentionDays of the state machine's execution log group.
	LogRetentionDays int
	// Tracing turns on AWS X-Ray tracing of executions (and grants the role the X-Ray write actions).
	// (Added field, default off.)
	Tracing bool
	// Protect marks the log group's KMS key protected (prod). (Added field.)
	Protect bool
	// DatabaseKmsKeyArn is this region's database key (customer-managed): keep-lost-writes copies the
	// failover snapshot with it. SnapshotTags are the stack's tags the copy carries. Optional: without
	// the key the copy keeps the source snapshot's key. (Added fields.)
	DatabaseKmsKeyArn pulumi.StringInput
	SnapshotTags      map[string]string
	// PollSeconds and MaxPolls bound the wait for the promoted cluster to become the writer
	// (defaults 30 s and 60 polls, i.e. 30 minutes). (Added fields.)
	PollSeconds, MaxPolls int
}

// PeerArgs is what the rejoin commands need of the other region's cluster, as the program built it.
type PeerArgs struct {
	Region                                        string
	ClusterIdentifier, KmsKeyArn, SubnetGroupName pulumi.StringInput
	SecurityGroupId, ParameterGroupName           pulumi.StringInput
	InstanceIdentifiers                           pulumi.StringArrayInput
	Engine, InstanceClass                         string
	Port                                          int
}

const (
	defaultPollSeconds = 30
	defaultMaxPolls    = 60
)
