// Package failover turns the region-failover runbook into code: a Step Functions state machine that
// promotes this region's Aurora cluster in the global database (planned switchover or unplanned
// failover), waits until it is the writer, raises this region's Auto Scaling group to the primary's
// capacity and reports what happened, with timings, to the region's SNS topic. Nothing here starts
// it: a person does, or (database.autoFailover: auto) pkg/detector's rule in the same region.
package failover

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args configures one failover runbook. Main instantiates it twice: in the secondary region (failover)
// and in the primary region (its mirror, for failback), named "failover-<region>". The component's
// provider (pulumi.Provider in opts) must be the provider of Region.
type Args struct {
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
	// AutoScalingGroupName is this region's ASG, raised to MinSize/DesiredCapacity/MaxSize.
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
	// PollSeconds and MaxPolls bound the wait for the promoted cluster to become the writer
	// (defaults 30 s and 60 polls, i.e. 30 minutes). (Added fields.)
	PollSeconds, MaxPolls int
}

const (
	defaultPollSeconds = 30
	defaultMaxPolls    = 60
)
