// Package pin is `go run . pin --stack S [--images]`: it reads, once, from the live account the
// values the program pins instead of looking them up at deploy time (the account id, the zones of
// both regions, the current Amazon Linux 2023 images, the ids of the prefix lists the ALB admits and
// the hosted zone) and writes them into Pulumi.<stack>.yaml, showing the diff. `--images` refreshes
// only the images. It is an operator command: the Pulumi program never imports it or the AWS SDK.
package pin

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
)

// EC2 is the part of the EC2 API pin reads: zones and managed prefix lists.
type EC2 interface {
	DescribeAvailabilityZones(ctx context.Context, in *ec2.DescribeAvailabilityZonesInput, opts ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error)
	DescribeManagedPrefixLists(ctx context.Context, in *ec2.DescribeManagedPrefixListsInput, opts ...func(*ec2.Options)) (*ec2.DescribeManagedPrefixListsOutput, error)
}

// SSM reads the public Amazon Linux parameters.
type SSM interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// Route53 finds the hosted zone by name.
type Route53 interface {
	ListHostedZonesByName(ctx context.Context, in *route53.ListHostedZonesByNameInput, opts ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error)
}

// STS tells which account the credentials belong to.
type STS interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// Clients makes the API clients, regional ones per region.
type Clients interface {
	EC2(region string) EC2
	SSM(region string) SSM
	Route53() Route53
	STS() STS
}

// sdkClients are the real clients, from the default credential chain.
type sdkClients struct {
	cfg  aws.Config
	home string // region for the global APIs (Route 53, STS)
}

// NewClients loads the default AWS configuration (environment, shared files, SSO, instance role),
// with the SDK's logger silenced (liveops.AWSConfig).
func NewClients(ctx context.Context, home string) (Clients, error) {
	cfg, err := liveops.AWSConfig(ctx, home)
	if err != nil {
		return nil, err
	}
	return &sdkClients{cfg: cfg, home: home}, nil
}

func (c *sdkClients) EC2(region string) EC2 {
	return ec2.NewFromConfig(c.cfg, func(o *ec2.Options) { o.Region = region })
}

func (c *sdkClients) SSM(region string) SSM {
	return ssm.NewFromConfig(c.cfg, func(o *ssm.Options) { o.Region = region })
}

func (c *sdkClients) Route53() Route53 { return route53.NewFromConfig(c.cfg) }

func (c *sdkClients) STS() STS { return sts.NewFromConfig(c.cfg) }
