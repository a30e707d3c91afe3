// Package awsenv holds what the program knows about AWS regions without asking AWS: the partition
// and DNS suffix of a region, the principal that delivers ALB access logs, and the ids of the
// AWS-managed prefix lists the ALB admits. Static stability: a preview or an update makes no
// data-source call, so every value here is a table in code (or a config override) with a test per
// table, and a region a table does not know is an error naming the config key that fills the gap.
package awsenv

import "strings"

// Partitions.
const (
	PartitionAws   = "aws"
	PartitionChina = "aws-cn"
	PartitionGov   = "aws-us-gov"
)

// Partition returns the partition of region and its DNS suffix: aws/amazonaws.com for commercial
// regions, aws-cn/amazonaws.com.cn for cn-*, aws-us-gov/amazonaws.com for us-gov-*.
func Partition(region string) (partition, dnsSuffix string) {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return PartitionChina, "amazonaws.com.cn"
	case strings.HasPrefix(region, "us-gov-"):
		return PartitionGov, "amazonaws.com"
	}
	return PartitionAws, "amazonaws.com"
}

// ServicePrincipal is the regional service principal name of service ("logs" -> logs.<region>.amazonaws.com).
func ServicePrincipal(service, region string) string {
	_, suffix := Partition(region)
	return service + "." + region + "." + suffix
}
