package verify

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/arczonalshift"
	arctypes "github.com/aws/aws-sdk-go-v2/service/arczonalshift/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift/zonalspec"
)

// ZonalShiftAttribute is the load balancer attribute that allows zonal shift (the provider's
// enableZonalShift).
const ZonalShiftAttribute = "zonal_shift.config.enabled"

// ManagedResources reads a load balancer's zonal shift and autoshift state (ARC).
type ManagedResources interface {
	GetManagedResource(ctx context.Context, in *arczonalshift.GetManagedResourceInput, opts ...func(*arczonalshift.Options)) (*arczonalshift.GetManagedResourceOutput, error)
}

// LoadBalancerAttributes reads a load balancer's attributes.
type LoadBalancerAttributes interface {
	DescribeLoadBalancerAttributes(ctx context.Context, in *elbv2.DescribeLoadBalancerAttributesInput, opts ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancerAttributesOutput, error)
}

// ZonalClients hands out the zonal checks' clients per region.
type ZonalClients interface {
	ARC(region string) ManagedResources
	LoadBalancers(region string) LoadBalancerAttributes
}

// SDKZonalClients builds the real clients from one aws.Config, overriding only the region.
type SDKZonalClients struct{ Config aws.Config }

func (c SDKZonalClients) cfg(region string) aws.Config { return liveops.InRegion(c.Config, region) }

func (c SDKZonalClients) ARC(region string) ManagedResources {
	return arczonalshift.NewFromConfig(c.cfg(region))
}
func (c SDKZonalClients) LoadBalancers(region string) LoadBalancerAttributes {
	return elbv2.NewFromConfig(c.cfg(region))
}

// checkZonal: each region's ALB allows zonal shift (its attribute), and its zonal autoshift is in
// the state compute.zonalAutoshift asks for, with practice runs configured when enabled. Active
// shifts (an operator's, an autoshift, a practice run) are reported, never a failure.
func (v *verifier) checkZonal(ctx context.Context, albArns map[string]string) {
	for _, region := range v.cfg.Regions() {
		arn := albArns[region]
		if arn == "" {
			v.add("zonal-shift-"+region, Fail, "the stack exports no albArns for "+region)
			v.add("zonal-autoshift-"+region, Fail, "the stack exports no albArns for "+region)
			continue
		}
		v.checkZonalShiftAllowed(ctx, region, arn)
		v.checkAutoshiftState(ctx, region, arn)
	}
}

func (v *verifier) checkZonalShiftAllowed(ctx context.Context, region, arn string) {
	id := "zonal-shift-" + region
	out, err := v.d.Zonal.LoadBalancers(region).DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(arn)})
	if err != nil {
		v.add(id, Fail, fmt.Sprintf("%s: %v", arn, err))
		return
	}
	for _, a := range out.Attributes {
		if aws.ToString(a.Key) == ZonalShiftAttribute {
			if aws.ToString(a.Value) == "true" {
				v.add(id, Pass, arn+" allows zonal shift")
			} else {
				v.add(id, Fail, fmt.Sprintf("%s has %s=%s: nobody can shift its traffic out of an impaired zone (pulumi up restores it)", arn, ZonalShiftAttribute, aws.ToString(a.Value)))
			}
			return
		}
	}
	v.add(id, Fail, fmt.Sprintf("%s reports no %s attribute", arn, ZonalShiftAttribute))
}

func (v *verifier) checkAutoshiftState(ctx context.Context, region, arn string) {
	id := "zonal-autoshift-" + region
	want := arctypes.ZonalAutoshiftStatusDisabled
	if v.cfg.Compute.ZonalAutoshift {
		want = arctypes.ZonalAutoshiftStatusEnabled
	}
	out, err := v.d.Zonal.ARC(region).GetManagedResource(ctx, &arczonalshift.GetManagedResourceInput{ResourceIdentifier: aws.String(arn)})
	var notFound *arctypes.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound) && want == arctypes.ZonalAutoshiftStatusDisabled:
		v.add(id, Pass, arn+" is not managed by ARC: autoshift is off, as configured")
		return
	case err != nil:
		v.add(id, Fail, fmt.Sprintf("%s: %v", arn, err))
		return
	}
	got := out.ZonalAutoshiftStatus
	if got == "" {
		got = arctypes.ZonalAutoshiftStatusDisabled
	}
	detail := fmt.Sprintf("%s: zonal autoshift %s (compute.zonalAutoshift %v)", arn, got, v.cfg.Compute.ZonalAutoshift)
	for _, s := range out.ZonalShifts {
		detail += fmt.Sprintf("; active zonal shift %s away from %s (%s, %s)", aws.ToString(s.ZonalShiftId), aws.ToString(s.AwayFrom), s.AppliedStatus, aws.ToString(s.Comment))
	}
	for _, a := range out.Autoshifts {
		detail += fmt.Sprintf("; autoshift away from %s (%s)", aws.ToString(a.AwayFrom), a.AppliedStatus)
	}
	switch {
	case got != want:
		v.add(id, Fail, detail+"; pulumi up sets the configured state")
	case want == arctypes.ZonalAutoshiftStatusEnabled && (out.PracticeRunConfiguration == nil || len(out.PracticeRunConfiguration.OutcomeAlarms) == 0):
		v.add(id, Fail, detail+", but it has no practice-run configuration with an outcome alarm ("+zonalspec.TypeName+")")
	default:
		v.add(id, Pass, detail)
	}
}
