package offline

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// zoneCounts is the offline model of how many Availability Zones each region has (default 3).
var zoneCounts = map[string]int{"us-east-1": 6, "us-west-2": 4, "us-west-1": 2, "ap-northeast-2": 4}

// Zones returns the Availability Zone names the offline model reports for region.
func Zones(region string) []string {
	n, ok := zoneCounts[region]
	if !ok {
		n = 3
	}
	zones := make([]string, n)
	for i := range zones {
		zones[i] = fmt.Sprintf("%s%c", region, 'a'+i)
	}
	return zones
}

// PrefixListID is the id the offline model gives CloudFront's origin-facing prefix list in region.
func PrefixListID(region string) string { return "pl-cloudfront-" + region }

// HealthCheckPrefixListID is the offline id of region's com.amazonaws.<region>.route53-healthchecks.
func HealthCheckPrefixListID(region string) string { return "pl-route53-healthchecks-" + region }

// InvokeModel answers one data source from the offline model, given its args and the region of the
// provider it was called with.
type InvokeModel func(args resource.PropertyMap, region string) (resource.PropertyMap, error)

// invokeModels holds answers registered by each area's model file (see RegisterInvoke).
var invokeModels = map[string]InvokeModel{}

// RegisterInvoke adds the offline answer to an invoke token.
func RegisterInvoke(token string, model InvokeModel) { invokeModels[token] = model }

// answerInvoke is the offline model of every data source the program reads. An invoke it does not
// know is an error, so a new data source is modelled on purpose rather than answered with junk.
func answerInvoke(token string, args resource.PropertyMap, region string) (resource.PropertyMap, error) {
	if model, ok := invokeModels[token]; ok {
		return model(args, region)
	}
	switch token {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		zones := Zones(region)
		names := make([]any, len(zones))
		ids := make([]any, len(zones))
		for i, z := range zones {
			names[i] = z
			ids[i] = fmt.Sprintf("%s-az%d", region, i+1)
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": region, "names": names, "zoneIds": ids}), nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID, "arn": "arn:aws:iam::" + AccountID + ":user/mock", "userId": "AIDAMOCK", "id": AccountID,
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{"name": region, "id": region, "region": region, "endpoint": "ec2." + region + ".amazonaws.com"}), nil
	case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
		id, name, weight := PrefixListID(region), "com.amazonaws.global.cloudfront.origin-facing", 55.0
		if v, ok := args["name"]; ok && v.IsString() && v.StringValue() == "com.amazonaws."+region+".route53-healthchecks" {
			id, name, weight = HealthCheckPrefixListID(region), v.StringValue(), 25.0
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "name": name, "maxEntries": weight,
			"arn": fmt.Sprintf("arn:aws:ec2:%s:aws:prefix-list/%s", region, id),
		}), nil
	case "aws:route53/getZone:getZone":
		name := args["name"].StringValue()
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": "ZLOOKEDUP", "zoneId": "ZLOOKEDUP", "name": name, "privateZone": false,
			"nameServers": []any{"ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk"},
			"arn":         "arn:aws:route53:::hostedzone/ZLOOKEDUP",
		}), nil
	case "aws:elb/getServiceAccount:getServiceAccount":
		return resource.NewPropertyMapFromMap(map[string]any{"id": "127311923021", "arn": "arn:aws:iam::127311923021:root"}), nil
	}
	return nil, fmt.Errorf("offline: no offline answer for invoke %s; model it in pkg/offline/invokes.go", token)
}
