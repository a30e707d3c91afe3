package main

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// edgeRegion is where CloudFront's viewer certificate and its CLOUDFRONT-scope WebACL must live.
const edgeRegion = "us-east-1"

// providerSet holds one explicit AWS provider per region and one random provider. Nothing in the
// program uses an ambient default provider (the stack files disable them all).
type providerSet struct {
	providers map[string]*aws.Provider
	random    *random.Provider
}

// newProviders creates a provider per region, plus one for us-east-1 when neither region is it.
// Providers are named by region, not role, so swapping primaryRegion and secondaryRegion after a
// failover changes no URN.
func (d *deployment) newProviders(ctx *pulumi.Context) error {
	var err error
	if d.random, err = random.NewProvider(ctx, "random", &random.ProviderArgs{}); err != nil {
		return err
	}
	d.providers = map[string]*aws.Provider{}
	regions := d.cfg.Regions()
	if regions[0] != edgeRegion && regions[1] != edgeRegion {
		regions = append(regions, edgeRegion)
	}
	for _, region := range regions {
		p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{
			Region: pulumi.String(region),
			DefaultTags: &aws.ProviderDefaultTagsArgs{
				Tags: pulumi.ToStringMap(d.cfg.DefaultTags()),
			},
		})
		if err != nil {
			return err
		}
		d.providers[region] = p
	}
	return nil
}

// provider returns the provider of region.
func (d *deployment) provider(region string) *aws.Provider { return d.providers[region] }

// edgeProvider returns the us-east-1 provider used for CloudFront's certificate and WAF.
func (d *deployment) edgeProvider() *aws.Provider { return d.providers[edgeRegion] }
