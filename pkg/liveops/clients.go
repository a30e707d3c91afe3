package liveops

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/fis"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// The interfaces below are the AWS calls the commands make, each with the SDK's own signature, so
// *fis.Client (and so on) satisfy them and tests pass fakes.

// FIS starts, watches and stops experiments.
type FIS interface {
	StartExperiment(ctx context.Context, in *fis.StartExperimentInput, opts ...func(*fis.Options)) (*fis.StartExperimentOutput, error)
	GetExperiment(ctx context.Context, in *fis.GetExperimentInput, opts ...func(*fis.Options)) (*fis.GetExperimentOutput, error)
	StopExperiment(ctx context.Context, in *fis.StopExperimentInput, opts ...func(*fis.Options)) (*fis.StopExperimentOutput, error)
}

// RDS reads the global database's topology and a cluster's writer instance.
type RDS interface {
	DescribeGlobalClusters(ctx context.Context, in *rds.DescribeGlobalClustersInput, opts ...func(*rds.Options)) (*rds.DescribeGlobalClustersOutput, error)
	DescribeDBClusters(ctx context.Context, in *rds.DescribeDBClustersInput, opts ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
}

// Route53 reads health-check status.
type Route53 interface {
	GetHealthCheckStatus(ctx context.Context, in *route53.GetHealthCheckStatusInput, opts ...func(*route53.Options)) (*route53.GetHealthCheckStatusOutput, error)
}

// CloudWatch reads metrics and alarms.
type CloudWatch interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

// ELB reads target health.
type ELB interface {
	DescribeTargetHealth(ctx context.Context, in *elasticloadbalancingv2.DescribeTargetHealthInput, opts ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.DescribeTargetHealthOutput, error)
}

// StepFunctions starts and reads the runbook.
type StepFunctions interface {
	StartExecution(ctx context.Context, in *sfn.StartExecutionInput, opts ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	DescribeExecution(ctx context.Context, in *sfn.DescribeExecutionInput, opts ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
	DescribeStateMachine(ctx context.Context, in *sfn.DescribeStateMachineInput, opts ...func(*sfn.Options)) (*sfn.DescribeStateMachineOutput, error)
}

// Backup reads backup vaults.
type Backup interface {
	DescribeBackupVault(ctx context.Context, in *backup.DescribeBackupVaultInput, opts ...func(*backup.Options)) (*backup.DescribeBackupVaultOutput, error)
}

// Clients hands out a client per service and region.
type Clients interface {
	FIS(region string) FIS
	RDS(region string) RDS
	Route53() Route53
	CloudWatch(region string) CloudWatch
	ELB(region string) ELB
	StepFunctions(region string) StepFunctions
	Backup(region string) Backup
}

// SDKClients builds real clients from one aws.Config (config.LoadDefaultConfig: environment,
// shared profile, SSO, instance role, the usual chain), overriding only the region.
type SDKClients struct{ Config aws.Config }

func (c SDKClients) cfg(region string) aws.Config { return InRegion(c.Config, region) }

// InRegion is cfg for one region: a copy with only the region changed, so every command's
// per-region clients share the one credential chain.
func InRegion(cfg aws.Config, region string) aws.Config {
	out := cfg.Copy()
	out.Region = region
	return out
}

func (c SDKClients) FIS(region string) FIS { return fis.NewFromConfig(c.cfg(region)) }
func (c SDKClients) RDS(region string) RDS { return rds.NewFromConfig(c.cfg(region)) }

// Route53 is a global service, signed in us-east-1.
func (c SDKClients) Route53() Route53 { return route53.NewFromConfig(c.cfg("us-east-1")) }
func (c SDKClients) CloudWatch(region string) CloudWatch {
	return cloudwatch.NewFromConfig(c.cfg(region))
}
func (c SDKClients) ELB(region string) ELB {
	return elasticloadbalancingv2.NewFromConfig(c.cfg(region))
}
func (c SDKClients) StepFunctions(region string) StepFunctions {
	return sfn.NewFromConfig(c.cfg(region))
}
func (c SDKClients) Backup(region string) Backup { return backup.NewFromConfig(c.cfg(region)) }
