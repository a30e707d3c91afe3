package observability

import (
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// Observability watches both regions and the edge, keeps backups in both regions and the bill in check.
type Observability struct {
	pulumi.ResourceState

	// TopicArns maps region -> alarm topic ARN (us-east-1 included when it is only the edge region).
	TopicArns pulumi.StringMapOutput `pulumi:"topicArns"`
	// KmsKeyArns maps region -> the key encrypting that region's topic and backup vault.
	KmsKeyArns pulumi.StringMapOutput `pulumi:"kmsKeyArns"`
	// DashboardName and DashboardUrl are the home region's dashboard; DashboardUrls maps every
	// application region to its own (each shows both regions, so one survives the other's loss).
	DashboardName pulumi.StringOutput    `pulumi:"dashboardName"`
	DashboardUrl  pulumi.StringOutput    `pulumi:"dashboardUrl"`
	DashboardUrls pulumi.StringMapOutput `pulumi:"dashboardUrls"`
	// BackupVaultArns maps application region -> backup vault ARN.
	BackupVaultArns pulumi.StringMapOutput `pulumi:"backupVaultArns"`
	BudgetName      pulumi.StringOutput    `pulumi:"budgetName"`
	// RegionUnhealthyAlarmArns / Names map application region -> its composite "region unhealthy" alarm.
	RegionUnhealthyAlarmArns  pulumi.StringMapOutput `pulumi:"regionUnhealthyAlarmArns"`
	RegionUnhealthyAlarmNames pulumi.StringMapOutput `pulumi:"regionUnhealthyAlarmNames"`
	// ApplicationAlarmArns maps application region -> the alarms that show its users suffer (ELB and
	// target 5xx rates, p99 latency): a zonal autoshift practice run's outcome, with the composite.
	ApplicationAlarmArns pulumi.StringArrayMapOutput `pulumi:"applicationAlarmArns"`
}

// regional is what each region's notification layer hands the rest of the component.
type regional struct {
	*site
	acct     kmskey.Account
	keyArn   pulumi.StringOutput
	topicArn pulumi.StringOutput
	// topicPolicy admits the publishing services: what subscribes a service (Budgets, Backup vault
	// notifications) waits for, so AWS never checks the topic before the service may publish.
	topicPolicy pulumi.Resource
}

// opts are a regional child's options: parented to the component, on that region's provider.
func (o *Observability) opts(s *site, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(o), pulumi.Provider(s.provider)}, extra...)
}

// NewObservability builds topics, alarms, the dashboard, backups, the budget and (optionally) AWS
// Config. It spans regions: every child names its provider from Args.
func NewObservability(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Observability, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("observability %s: %w", name, err)
	}
	o := &Observability{}
	if err := ctx.RegisterComponentResource("multi-region-ha:observability:Observability", name, o, opts...); err != nil {
		return nil, fmt.Errorf("observability %s: %w", name, err)
	}
	if err := o.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("observability %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(o, pulumi.Map{
		"topicArns":                 o.TopicArns,
		"kmsKeyArns":                o.KmsKeyArns,
		"dashboardName":             o.DashboardName,
		"dashboardUrl":              o.DashboardUrl,
		"dashboardUrls":             o.DashboardUrls,
		"backupVaultArns":           o.BackupVaultArns,
		"budgetName":                o.BudgetName,
		"regionUnhealthyAlarmArns":  o.RegionUnhealthyAlarmArns,
		"regionUnhealthyAlarmNames": o.RegionUnhealthyAlarmNames,
		"applicationAlarmArns":      o.ApplicationAlarmArns,
	}); err != nil {
		return nil, fmt.Errorf("observability %s: %w", name, err)
	}
	return o, nil
}

func (o *Observability) build(ctx *pulumi.Context, name string, args *Args) error {
	acct := accountInfo{id: args.AccountId}
	regions := map[string]*regional{}
	var ordered []*regional
	topics, keys := pulumi.StringMap{}, pulumi.StringMap{}
	for _, s := range args.sites() {
		r, err := o.newNotifications(ctx, name, s, acct.in(s.region), args)
		if err != nil {
			return err
		}
		regions[s.region] = r
		ordered = append(ordered, r)
		topics[s.region] = r.topicArn
		keys[s.region] = r.keyArn
	}
	o.TopicArns = topics.ToStringMapOutput()
	o.KmsKeyArns = keys.ToStringMapOutput()

	if err := o.newAlarms(ctx, name, ordered, args); err != nil {
		return err
	}
	if err := o.newDashboards(ctx, name, []*regional{regions[args.Primary.Region], regions[args.Secondary.Region]}, args); err != nil {
		return err
	}
	if err := o.newBackups(ctx, name, regions, args); err != nil {
		return err
	}
	if err := o.newBudget(ctx, name, edgeSite(ordered), args); err != nil {
		return err
	}
	if args.AccessAnalyzer != AnalyzerOff {
		for _, r := range ordered {
			if err := o.newAccessAnalyzer(ctx, name, r, args); err != nil {
				return err
			}
		}
	}
	if args.EnableAwsConfig {
		for _, r := range ordered {
			if r.targets == nil {
				continue // the edge-only region holds no application resources to evaluate
			}
			if err := o.newAwsConfig(ctx, name, r, args); err != nil {
				return err
			}
		}
	}
	return nil
}

// accountInfo is the account, shared by every region; each region brings its own partition.
type accountInfo struct{ id string }

func (a accountInfo) in(region string) kmskey.Account { return awsenv.AccountIn(a.id, region) }

// nameTag is the Name tag the console shows; everything else comes from the provider's defaultTags.
func nameTag(value string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(value)} }
