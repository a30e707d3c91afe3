package verify

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/arczonalshift"
	arctypes "github.com/aws/aws-sdk-go-v2/service/arczonalshift/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/stretchr/testify/assert"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
)

// zonalAccount is ARC's and ELB's view of the two ALBs.
type zonalAccount struct {
	allowed  map[string]string // region -> zonal_shift.config.enabled
	status   map[string]arctypes.ZonalAutoshiftStatus
	practice bool
	shifts   []arctypes.ZonalShiftInResource
	asked    []string
}

func (z *zonalAccount) ARC(region string) ManagedResources { return zonalARC{z, region} }
func (z *zonalAccount) LoadBalancers(region string) LoadBalancerAttributes {
	return zonalELB{z, region}
}

type zonalARC struct {
	z      *zonalAccount
	region string
}

func (f zonalARC) GetManagedResource(_ context.Context, in *arczonalshift.GetManagedResourceInput, _ ...func(*arczonalshift.Options)) (*arczonalshift.GetManagedResourceOutput, error) {
	f.z.asked = append(f.z.asked, f.region+" "+aws.ToString(in.ResourceIdentifier))
	if f.z.allowed[f.region] != "true" {
		return nil, &arctypes.ResourceNotFoundException{Message: aws.String("not a managed resource")}
	}
	out := &arczonalshift.GetManagedResourceOutput{ZonalAutoshiftStatus: f.z.status[f.region], ZonalShifts: f.z.shifts}
	if f.z.practice {
		out.PracticeRunConfiguration = &arctypes.PracticeRunConfiguration{OutcomeAlarms: []arctypes.ControlCondition{{Type: "CLOUDWATCH", AlarmIdentifier: aws.String("arn:aws:cloudwatch:x")}}}
	}
	return out, nil
}

type zonalELB struct {
	z      *zonalAccount
	region string
}

func (f zonalELB) DescribeLoadBalancerAttributes(_ context.Context, in *elbv2.DescribeLoadBalancerAttributesInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancerAttributesOutput, error) {
	return &elbv2.DescribeLoadBalancerAttributesOutput{Attributes: []elbtypes.LoadBalancerAttribute{
		{Key: aws.String("deletion_protection.enabled"), Value: aws.String("true")},
		{Key: aws.String(ZonalShiftAttribute), Value: aws.String(f.z.allowed[f.region])},
	}}, nil
}

var zonalAlbArns = map[string]any{
	"us-east-1": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mrha-e/1",
	"us-west-2": "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/mrha-w/2",
}

func verifyZonal(t *testing.T, autoshift bool, z *zonalAccount, withArns bool) map[string]Check {
	cfg, err := liveops.LoadConfig("../..", "staging")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Compute.ZonalAutoshift = autoshift
	v := &verifier{cfg: cfg, d: Deps{Zonal: z}, report: &Report{}}
	arns := map[string]string{}
	if withArns {
		for k, a := range zonalAlbArns {
			arns[k] = a.(string)
		}
	}
	v.checkZonal(context.Background(), arns)
	out := map[string]Check{}
	for _, c := range v.report.Checks {
		out[c.ID] = c
	}
	return out
}

func status(checks map[string]Check) map[string]string {
	out := map[string]string{}
	for id, c := range checks {
		out[id] = c.Status
	}
	return out
}

func TestZonalChecks(t *testing.T) {
	both := func(v string) map[string]string { return map[string]string{"us-east-1": v, "us-west-2": v} }
	enabled := map[string]arctypes.ZonalAutoshiftStatus{"us-east-1": "ENABLED", "us-west-2": "ENABLED"}
	for _, tc := range []struct {
		name      string
		autoshift bool
		z         zonalAccount
		arns      bool
		want      map[string]string
	}{
		{"autoshift on, as configured", true, zonalAccount{allowed: both("true"), status: enabled, practice: true}, true,
			map[string]string{"zonal-shift-us-east-1": Pass, "zonal-shift-us-west-2": Pass, "zonal-autoshift-us-east-1": Pass, "zonal-autoshift-us-west-2": Pass}},
		{"autoshift off, as configured", false, zonalAccount{allowed: both("true"), status: map[string]arctypes.ZonalAutoshiftStatus{"us-east-1": "DISABLED"}}, true,
			map[string]string{"zonal-shift-us-east-1": Pass, "zonal-shift-us-west-2": Pass, "zonal-autoshift-us-east-1": Pass, "zonal-autoshift-us-west-2": Pass}},
		{"someone disabled autoshift in the console", true, zonalAccount{allowed: both("true"), status: map[string]arctypes.ZonalAutoshiftStatus{"us-east-1": "ENABLED", "us-west-2": "DISABLED"}, practice: true}, true,
			map[string]string{"zonal-shift-us-east-1": Pass, "zonal-shift-us-west-2": Pass, "zonal-autoshift-us-east-1": Pass, "zonal-autoshift-us-west-2": Fail}},
		{"enabled outside the stack while off", false, zonalAccount{allowed: both("true"), status: enabled, practice: true}, true,
			map[string]string{"zonal-shift-us-east-1": Pass, "zonal-shift-us-west-2": Pass, "zonal-autoshift-us-east-1": Fail, "zonal-autoshift-us-west-2": Fail}},
		{"enabled without practice runs", true, zonalAccount{allowed: both("true"), status: enabled}, true,
			map[string]string{"zonal-shift-us-east-1": Pass, "zonal-shift-us-west-2": Pass, "zonal-autoshift-us-east-1": Fail, "zonal-autoshift-us-west-2": Fail}},
		{"zonal shift turned off on one ALB", true, zonalAccount{allowed: map[string]string{"us-east-1": "true", "us-west-2": "false"}, status: enabled, practice: true}, true,
			map[string]string{"zonal-shift-us-east-1": Pass, "zonal-shift-us-west-2": Fail, "zonal-autoshift-us-east-1": Pass, "zonal-autoshift-us-west-2": Fail}},
		{"no albArns output", true, zonalAccount{}, false,
			map[string]string{"zonal-shift-us-east-1": Fail, "zonal-shift-us-west-2": Fail, "zonal-autoshift-us-east-1": Fail, "zonal-autoshift-us-west-2": Fail}},
	} {
		z := tc.z
		got := verifyZonal(t, tc.autoshift, &z, tc.arns)
		assert.Equal(t, tc.want, status(got), tc.name)
	}
}

func TestZonalCheckReportsActiveShifts(t *testing.T) {
	z := &zonalAccount{allowed: map[string]string{"us-east-1": "true", "us-west-2": "true"},
		status: map[string]arctypes.ZonalAutoshiftStatus{"us-east-1": "ENABLED", "us-west-2": "ENABLED"}, practice: true,
		shifts: []arctypes.ZonalShiftInResource{{ZonalShiftId: aws.String("zs-1"), AwayFrom: aws.String("use1-az4"), AppliedStatus: "APPLIED", Comment: aws.String("drill")}}}
	got := verifyZonal(t, true, z, true)
	assert.Equal(t, Pass, got["zonal-autoshift-us-east-1"].Status, "an active shift is information, not a failure")
	assert.Contains(t, got["zonal-autoshift-us-east-1"].Detail, "active zonal shift zs-1 away from use1-az4 (APPLIED, drill)")
	assert.Contains(t, z.asked, "us-west-2 "+zonalAlbArns["us-west-2"].(string), "each ALB is read in its own region")
}
