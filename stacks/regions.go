package stacks

import "regexp"

// regionPattern is the shape of every AWS region code (us-east-1, eu-central-2, us-gov-west-1, ap-southeast-7).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9]$`)

// zonesPerRegion is how many Availability Zones each commercial region offers to a new account.
// It lets `azCount` be checked before any resource exists; the zones themselves are pinned per stack
// (network.<role>.azs, written by `go run . pin`), never asked of AWS at deploy time. Regions such as us-west-1 and ap-northeast-1
// have an extra zone that new accounts cannot use, so the usable count is listed.
var zonesPerRegion = map[string]int{
	"us-east-1": 6, "us-east-2": 3, "us-west-1": 2, "us-west-2": 4,
	"ca-central-1": 3, "ca-west-1": 3, "mx-central-1": 3, "sa-east-1": 3,
	"eu-west-1": 3, "eu-west-2": 3, "eu-west-3": 3, "eu-central-1": 3, "eu-central-2": 3,
	"eu-north-1": 3, "eu-south-1": 3, "eu-south-2": 3,
	"af-south-1": 3, "il-central-1": 3, "me-south-1": 3, "me-central-1": 3,
	"ap-south-1": 3, "ap-south-2": 3, "ap-east-1": 3, "ap-east-2": 3,
	"ap-southeast-1": 3, "ap-southeast-2": 3, "ap-southeast-3": 3, "ap-southeast-4": 3,
	"ap-southeast-5": 3, "ap-southeast-7": 3,
	"ap-northeast-1": 3, "ap-northeast-2": 4, "ap-northeast-3": 3,
	"us-gov-west-1": 3, "us-gov-east-1": 3,
}

// ZonesIn returns how many Availability Zones region offers, and whether the region is known.
func ZonesIn(region string) (int, bool) {
	n, ok := zonesPerRegion[region]
	return n, ok
}

// KnownRegions lists the region codes this program can validate, for error messages and docs.
func KnownRegions() []string { return sortedKeys(zonesPerRegion) }
