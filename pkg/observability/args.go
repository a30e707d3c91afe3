// Package observability is the Observability component: encrypted SNS topics per region, alarms on
// every layer (ALB, Auto Scaling, Aurora, Route 53, CloudFront, WAF) with a composite "region
// unhealthy" alarm per region, one dashboard showing both regions side by side, AWS Backup with
// cross-region copies, a monthly cost budget and, optionally, AWS Config with managed rules.
package observability

import (
	"errors"
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EdgeRegion is where CloudFront, Route 53 health check and CLOUDFRONT-scope WAF metrics live.
const EdgeRegion = "us-east-1"

// RegionTargets are the resources of one region the component watches.
type RegionTargets struct {
	Region   string
	Provider *aws.Provider
	// No field says which region writes: that is runtime state, and both regions carry the same
	// alarms, dashboard, backups and topic whichever holds the writer.
	// AlbArnSuffix and TargetGroupArnSuffix are the `arnSuffix` outputs (the CloudWatch dimensions).
	AlbArnSuffix, TargetGroupArnSuffix pulumi.StringInput
	AutoScalingGroupName               pulumi.StringInput
	// MinInstances is the ASG minimum; 0 skips the in-service alarm (nothing to fall below).
	MinInstances int
	// ClusterIdentifier and ClusterArn are this region's Aurora cluster.
	ClusterIdentifier, ClusterArn pulumi.StringInput
}

// Args configures the component.
type Args struct {
	// AccountId is the 12-digit account the stack deploys to (config accountId, never looked up).
	AccountId string
	// Primary is the home region (primaryRegion), Secondary the standby: by config, never by role.
	Primary, Secondary RegionTargets
	// EdgeProvider is a us-east-1 provider. When one of the regions is us-east-1 that region's
	// provider is used instead, so nothing is duplicated there.
	EdgeProvider *aws.Provider
	// DistributionId is the CloudFront distribution; nil skips the CloudFront alarm and widgets.
	DistributionId pulumi.StringInput
	// WebAclName is the CLOUDFRONT web ACL's CloudWatch metric name (its visibilityConfig.metricName,
	// which the WAF uses as the WebACL dimension); nil skips the WAF alarm and widgets.
	WebAclName pulumi.StringInput
	// HealthCheckIds are Route 53 health checks to alarm on, by a short key that names the alarm
	// (health-check-<key>). Route 53 publishes HealthCheckStatus only in us-east-1, so these alarms
	// live there with the global resources. Pass only checks whose healthy state does not depend on
	// which region writes (liveness), so the alarms mean the same in either role.
	HealthCheckIds map[string]pulumi.StringInput
	// RoutingHealthCheckId, when set, is the check of the PRIMARY failover record (the edge's
	// calculated "<home>-serves" check). It is graphed on the dashboards and never alarmed: it is
	// unhealthy, by design, for as long as the standby serves after a failover, so an alarm on it
	// would sit in ALARM for the whole failed-over period and say nothing a runbook or detector
	// page has not said already. Its value tells which record Route 53 answers (1 home, 0 standby).
	RoutingHealthCheckId pulumi.StringInput
	// AlarmEmails are subscribed to every topic.
	AlarmEmails      []string
	MonthlyBudgetUsd float64
	// BudgetTagKey and BudgetTagValue are the activated cost allocation tag filtering the budget
	// (e.g. "Stack", "prod").
	BudgetTagKey, BudgetTagValue string
	// ActivateBudgetTag activates BudgetTagKey for cost allocation (aws:costexplorer/costAllocationTag):
	// until a tag is activated, AWS Budgets ignores it and a budget filtered on it reads $0.
	ActivateBudgetTag   bool
	BackupRetentionDays int
	// BackupSchedule is an AWS cron expression, e.g. cron(0 5 * * ? *).
	BackupSchedule  string
	EnableAwsConfig bool
	// AccessAnalyzer says who creates the IAM Access Analyzer (zone of trust: the account) of every
	// region of the stack: AnalyzerCreate (this stack creates it and pages the region's topic on its
	// active findings), AnalyzerExisting (another stack of the account, or the organisation, owns
	// it: only the EventBridge rule that pages this stack's topic) or AnalyzerOff. An account that
	// is not an organisation's management or delegated administrator account may hold one analyzer
	// with the account as zone of trust per region, so only one stack of an account may create.
	AccessAnalyzer string
	// IntendedAccess are the findings the program itself intends (a grant to an AWS service
	// account, a trust of a federated provider): archive rules on the analyzer this stack creates
	// keep them from paging. Ignored unless AccessAnalyzer is AnalyzerCreate.
	IntendedAccess []IntendedAccess
	// AwsConfigRecorder (with EnableAwsConfig) creates the recorder, delivery channel and bucket;
	// false keeps only the rules and relies on the account's existing recorder and channel.
	AwsConfigRecorder bool
	// ReplicationLagAlarmMs is the RPO: AuroraGlobalDBReplicationLag above it alarms.
	ReplicationLagAlarmMs int
	// DatabaseConnectionsThreshold alarms on DatabaseConnections above it (default 500).
	DatabaseConnectionsThreshold int
	// DashboardName is optional; it defaults to <name>-<stack>. Each application region gets its own
	// dashboard, <DashboardName>-<region>, each showing both regions and the edge.
	DashboardName string
	// Protect protects the KMS keys and backup vaults (prod). Without it (staging) the backup
	// vaults and the AWS Config bucket are force-destroyable: pulumi destroy deletes their
	// recovery points and objects.
	Protect bool
}

// peerOf is the other application region: the one a region's cluster replicates from while it is
// the secondary (a two-region global database).
func (a *Args) peerOf(region string) string {
	if region == a.Primary.Region {
		return a.Secondary.Region
	}
	return a.Primary.Region
}

var healthCheckKey = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,30}$`)

// DefaultDatabaseConnectionsThreshold is used when Args.DatabaseConnectionsThreshold is 0.
const DefaultDatabaseConnectionsThreshold = 500

func (a *Args) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	if err := awsenv.AccountIn(a.AccountId, "us-east-1").Validate(); err != nil {
		return err
	}
	if a.Primary.Region == "" || a.Secondary.Region == "" || a.Primary.Region == a.Secondary.Region {
		return fmt.Errorf("primary and secondary regions must be set and differ (got %q, %q)", a.Primary.Region, a.Secondary.Region)
	}
	for _, t := range []*RegionTargets{&a.Primary, &a.Secondary} {
		if t.Provider == nil {
			return fmt.Errorf("region %s: Provider is required", t.Region)
		}
		if t.AlbArnSuffix == nil || t.TargetGroupArnSuffix == nil || t.AutoScalingGroupName == nil {
			return fmt.Errorf("region %s: AlbArnSuffix, TargetGroupArnSuffix and AutoScalingGroupName are required", t.Region)
		}
		if t.ClusterIdentifier == nil || t.ClusterArn == nil {
			return fmt.Errorf("region %s: ClusterIdentifier and ClusterArn are required", t.Region)
		}
		if t.MinInstances < 0 {
			return fmt.Errorf("region %s: MinInstances is %d", t.Region, t.MinInstances)
		}
	}
	for key, id := range a.HealthCheckIds {
		if id == nil || !healthCheckKey.MatchString(key) {
			return fmt.Errorf("HealthCheckIds[%q]: a key of lower-case letters, digits and '-' and an id are required", key)
		}
	}
	if a.EdgeProvider == nil && a.Primary.Region != EdgeRegion && a.Secondary.Region != EdgeRegion {
		return errors.New("EdgeProvider (us-east-1) is required when neither region is us-east-1")
	}
	if !(a.MonthlyBudgetUsd > 0) {
		return fmt.Errorf("MonthlyBudgetUsd must be positive, got %v", a.MonthlyBudgetUsd)
	}
	if a.BudgetTagKey == "" || a.BudgetTagValue == "" {
		return errors.New("BudgetTagKey and BudgetTagValue are required")
	}
	if a.BackupRetentionDays < 1 {
		return fmt.Errorf("BackupRetentionDays must be at least 1, got %d", a.BackupRetentionDays)
	}
	if a.BackupSchedule == "" {
		return errors.New("BackupSchedule is required")
	}
	if a.ReplicationLagAlarmMs < 1 {
		return fmt.Errorf("ReplicationLagAlarmMs must be positive, got %d", a.ReplicationLagAlarmMs)
	}
	if err := a.validateAnalyzer(); err != nil {
		return err
	}
	if a.DatabaseConnectionsThreshold < 0 {
		return fmt.Errorf("DatabaseConnectionsThreshold is %d", a.DatabaseConnectionsThreshold)
	}
	return nil
}

func (a *Args) connectionsThreshold() int {
	if a.DatabaseConnectionsThreshold == 0 {
		return DefaultDatabaseConnectionsThreshold
	}
	return a.DatabaseConnectionsThreshold
}

// site is one region the component deploys into: the two application regions, plus us-east-1
// when it is only the edge region.
type site struct {
	region   string
	provider *aws.Provider
	targets  *RegionTargets // nil for the edge-only region
	edge     bool           // hosts the CloudFront, Route 53 and WAF alarms
	peer     string         // the other application region (backup copy destination)
}

// edgeSite is the us-east-1 site: where the global resources (budget) and the alarms on us-east-1-only
// metrics live, always on the us-east-1 provider, whichever region writes.
func edgeSite(sites []*regional) *regional {
	for _, s := range sites {
		if s.edge {
			return s
		}
	}
	return nil
}

// sites lists the regions in a stable order: primary, secondary, then us-east-1 if it is neither.
func (a *Args) sites() []*site {
	out := []*site{
		{region: a.Primary.Region, provider: a.Primary.Provider, targets: &a.Primary, edge: a.Primary.Region == EdgeRegion, peer: a.Secondary.Region},
		{region: a.Secondary.Region, provider: a.Secondary.Provider, targets: &a.Secondary, edge: a.Secondary.Region == EdgeRegion, peer: a.Primary.Region},
	}
	if !out[0].edge && !out[1].edge {
		out = append(out, &site{region: EdgeRegion, provider: a.EdgeProvider, edge: true})
	}
	return out
}

// validateAnalyzer checks the analyzer mode and each intended access its archive rules express.
func (a *Args) validateAnalyzer() error {
	if err := checkAnalyzerMode(a.AccessAnalyzer); err != nil {
		return err
	}
	for i, ia := range a.IntendedAccess {
		if err := ia.check(); err != nil {
			return fmt.Errorf("IntendedAccess[%d]: %w", i, err)
		}
	}
	return nil
}
