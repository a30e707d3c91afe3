// Package network is the Network component: one VPC per region with public, private and isolated
// database tiers across Availability Zones, NAT per strategy, NACLs per tier, encrypted flow logs
// and an S3 gateway endpoint.
package network

import (
	"errors"
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
)

// NAT strategies.
const (
	NatPerAz  = "perAz"  // one NAT gateway per AZ: an AZ outage cannot cut the others' egress
	NatSingle = "single" // one NAT gateway for the VPC: cheaper, one AZ is a single point of failure
	NatNone   = "none"   // no egress from the private tier at all
)

// Args configures one region's network. Subnet lists hold one CIDR per AZ, in AZ order.
type Args struct {
	// Cidr is the VPC's IPv4 CIDR.
	Cidr string
	// AccountId and Region are where the network lives (from config, never looked up).
	AccountId string
	Region    string
	// AvailabilityZones pins the zones, one per AzCount (required): zone names map to different
	// physical zones per account, and a changed list replaces subnets, so they are never computed.
	AvailabilityZones []string
	AzCount           int
	PublicSubnets     []string
	PrivateSubnets    []string
	DatabaseSubnets   []string
	// NatGateways is NatPerAz, NatSingle or NatNone.
	NatGateways string
	// DatabasePorts are the ports the database tier admits from the private tier.
	DatabasePorts []int
	// FlowLogRetentionDays is how long VPC flow logs are kept.
	FlowLogRetentionDays int
	// Protect marks the flow-log key as protected (prod).
	Protect bool
}

func (a *Args) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	if a.AzCount < 1 {
		return fmt.Errorf("AzCount must be at least 1, got %d", a.AzCount)
	}
	if len(a.AvailabilityZones) != a.AzCount {
		return fmt.Errorf("%d AvailabilityZones for AzCount %d; pin one zone per AZ", len(a.AvailabilityZones), a.AzCount)
	}
	if err := awsenv.AccountIn(a.AccountId, a.Region).Validate(); err != nil {
		return err
	}
	for _, tier := range []struct {
		name string
		list []string
	}{{"PublicSubnets", a.PublicSubnets}, {"PrivateSubnets", a.PrivateSubnets}, {"DatabaseSubnets", a.DatabaseSubnets}} {
		if len(tier.list) != a.AzCount {
			return fmt.Errorf("%s has %d CIDRs for AzCount %d", tier.name, len(tier.list), a.AzCount)
		}
	}
	switch a.NatGateways {
	case NatPerAz, NatSingle, NatNone:
	default:
		return fmt.Errorf("NatGateways %q is not perAz, single or none", a.NatGateways)
	}
	if len(a.DatabasePorts) == 0 {
		return errors.New("DatabasePorts must list at least one port")
	}
	return nil
}

// natCount is how many NAT gateways the strategy builds for azCount zones.
func natCount(strategy string, azCount int) int {
	switch strategy {
	case NatPerAz:
		return azCount
	case NatSingle:
		return 1
	}
	return 0
}
