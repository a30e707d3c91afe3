package pin

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Values are what pin writes. Empty fields are left as they are in the stack file.
type Values struct {
	AccountID string `json:"accountId,omitempty"`
	// Zones, Images, CloudFront and HealthCheck are per region.
	Zones       map[string][]string `json:"zones,omitempty"`
	Images      map[string]string   `json:"amiIds,omitempty"`
	CloudFront  map[string]string   `json:"cloudFrontPrefixListIds,omitempty"`
	HealthCheck map[string]string   `json:"healthCheckPrefixListIds,omitempty"`
	// HostedZoneID is "" when the stack creates its zone.
	HostedZoneID string `json:"hostedZoneId,omitempty"`
}

// Read asks the account for the stack's pinned values (only the images with imagesOnly) of the
// given regions, printing progress to progress. A region left out keeps the values the stack file
// holds for it (Apply edits per region). The hosted zone is read only when us-east-1 (where Route 53's
// control plane lives) is not left out as unavailable.
func Read(ctx context.Context, c Clients, cfg *stacks.Config, regions []string, imagesOnly bool, progress io.Writer) (*Values, error) {
	v := &Values{Images: map[string]string{}}
	for _, region := range regions {
		fmt.Fprintf(progress, "pin: reading the image of %s from %s...\n", region, cfg.Compute.AmiSsmParameter)
		ami, err := image(ctx, c.SSM(region), cfg.Compute.AmiSsmParameter)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", region, err)
		}
		v.Images[region] = ami
	}
	if imagesOnly {
		return v, nil
	}
	fmt.Fprintln(progress, "pin: reading the account id...")
	id, err := c.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("caller identity: %w", err)
	}
	v.AccountID = aws.ToString(id.Account)
	v.Zones, v.CloudFront, v.HealthCheck = map[string][]string{}, map[string]string{}, map[string]string{}
	for _, region := range regions {
		fmt.Fprintf(progress, "pin: reading the zones and prefix lists of %s...\n", region)
		e := c.EC2(region)
		zones, err := availabilityZones(ctx, e, cfg.Network.AzCount)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", region, err)
		}
		v.Zones[region] = zones
		if v.CloudFront[region], err = prefixList(ctx, e, awsenv.CloudFrontOriginFacing); err != nil {
			return nil, fmt.Errorf("%s: %w", region, err)
		}
		if v.HealthCheck[region], err = prefixList(ctx, e, awsenv.Route53HealthChecks(region)); err != nil {
			return nil, fmt.Errorf("%s: %w", region, err)
		}
	}
	switch {
	case cfg.Edge.CreateHostedZone:
	case cfg.UnavailableRegion == stacks.EdgeRegion:
		fmt.Fprintf(progress, "pin: unavailableRegion is %s, where Route 53's control plane lives: edge.hostedZoneId stays as it is\n", stacks.EdgeRegion)
	default:
		fmt.Fprintf(progress, "pin: reading the hosted zone of %s...\n", cfg.Edge.DomainName)
		if v.HostedZoneID, err = hostedZone(ctx, c.Route53(), cfg.Edge.DomainName); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// availabilityZones returns the first count zones the account may use in the region without
// opting in, sorted by name (the order AWS lists them in is not a contract).
func availabilityZones(ctx context.Context, e EC2, count int) ([]string, error) {
	out, err := e.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{
		Filters: []ec2types.Filter{
			{Name: aws.String("state"), Values: []string{"available"}},
			{Name: aws.String("opt-in-status"), Values: []string{"opt-in-not-required"}},
			{Name: aws.String("zone-type"), Values: []string{"availability-zone"}},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("describe availability zones: %w", err)
	}
	var names []string
	for _, z := range out.AvailabilityZones {
		if z.ZoneType == nil || aws.ToString(z.ZoneType) == "availability-zone" {
			names = append(names, aws.ToString(z.ZoneName))
		}
	}
	sort.Strings(names)
	if len(names) < count {
		return nil, fmt.Errorf("the account has %d Availability Zones there, fewer than network.azCount %d", len(names), count)
	}
	return names[:count], nil
}

// prefixList returns the id of the AWS-managed prefix list called name.
func prefixList(ctx context.Context, e EC2, name string) (string, error) {
	out, err := e.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{
		Filters: []ec2types.Filter{{Name: aws.String("prefix-list-name"), Values: []string{name}}},
	})
	if err != nil {
		return "", fmt.Errorf("describe prefix list %s: %w", name, err)
	}
	for _, p := range out.PrefixLists {
		if aws.ToString(p.PrefixListName) == name && aws.ToString(p.OwnerId) == "AWS" {
			return aws.ToString(p.PrefixListId), nil
		}
	}
	return "", fmt.Errorf("no AWS-managed prefix list %s", name)
}

// image returns the AMI id the public parameter holds.
func image(ctx context.Context, s SSM, parameter string) (string, error) {
	out, err := s.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(parameter)})
	if err != nil {
		return "", fmt.Errorf("read %s: %w", parameter, err)
	}
	ami := aws.ToString(out.Parameter.Value)
	if !strings.HasPrefix(ami, "ami-") {
		return "", fmt.Errorf("%s holds %q, not an AMI id", parameter, ami)
	}
	return ami, nil
}

// hostedZone returns the id (without /hostedzone/) of the one public zone named domain.
func hostedZone(ctx context.Context, r Route53, domain string) (string, error) {
	out, err := r.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String(domain)})
	if err != nil {
		return "", fmt.Errorf("list hosted zones %s: %w", domain, err)
	}
	var ids []string
	for _, z := range out.HostedZones {
		if strings.TrimSuffix(aws.ToString(z.Name), ".") != domain || (z.Config != nil && z.Config.PrivateZone) {
			continue
		}
		ids = append(ids, strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/"))
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("no public hosted zone %s in the account (or set edge.createHostedZone)", domain)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%d public hosted zones are named %s (%s): set edge.hostedZoneId yourself", len(ids), domain, strings.Join(ids, ", "))
}
