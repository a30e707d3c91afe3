package network

import (
	"fmt"
	"net/netip"
)

// Tier is one of the three subnet tiers every Availability Zone gets.
type Tier int

const (
	TierPublic Tier = iota
	TierPrivate
	TierDatabase
)

func (t Tier) String() string {
	return [...]string{"public", "private", "database"}[t]
}

// Tiers lists the tiers in carving order.
var Tiers = []Tier{TierPublic, TierPrivate, TierDatabase}

const (
	// subnetNewBits splits the VPC into 32 equal slots (a /16 gives /21 subnets of 2,048 addresses).
	subnetNewBits = 5
	// slotsPerTier reserves 8 slots per tier, so a tier can grow to 8 AZs without moving any subnet.
	slotsPerTier = 8
	// MaxCarvedAzs is the most AZs the carving scheme serves.
	MaxCarvedAzs = slotsPerTier
	// MinSubnetBits and MaxSubnetBits bound subnet sizes as AWS does (/16 to /28).
	MinSubnetBits = 16
	MaxSubnetBits = 28
	// MaxCarvableVpcBits is the smallest VPC the carving scheme can split (its subnets must stay /28 or larger).
	MaxCarvableVpcBits = MaxSubnetBits - subnetNewBits
)

// ParseCIDR parses an IPv4 CIDR and insists it is written as its network address (10.0.0.0/16, not 10.0.0.1/16).
func ParseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 CIDR such as 10.0.0.0/16", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%q is not a network address; did you mean %s?", s, p.Masked())
	}
	return p, nil
}

// CarveSubnet returns the deterministic CIDR of tier's subnet in the az-th Availability Zone.
// Slot = tier*8 + az at /(vpc+5): the same inputs give the same CIDR forever, and raising the AZ
// count only adds subnets, never moves one (moving one would replace it and everything inside).
func CarveSubnet(vpc netip.Prefix, tier Tier, az int) (netip.Prefix, error) {
	if vpc.Bits() > MaxCarvableVpcBits {
		return netip.Prefix{}, fmt.Errorf("VPC %s is too small to carve: use /%d or larger, or list the subnets explicitly", vpc, MaxCarvableVpcBits)
	}
	if az < 0 || az >= slotsPerTier {
		return netip.Prefix{}, fmt.Errorf("carving serves at most %d Availability Zones, not %d", slotsPerTier, az+1)
	}
	slot := uint32(int(tier)*slotsPerTier + az)
	bits := vpc.Bits() + subnetNewBits
	base := vpc.Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	start += slot << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(start >> 24), byte(start >> 16), byte(start >> 8), byte(start)})
	return netip.PrefixFrom(addr, bits), nil
}

// CarveTier returns the CIDRs of tier for the first azCount Availability Zones.
func CarveTier(vpc netip.Prefix, tier Tier, azCount int) ([]string, error) {
	cidrs := make([]string, 0, azCount)
	for az := 0; az < azCount; az++ {
		p, err := CarveSubnet(vpc, tier, az)
		if err != nil {
			return nil, err
		}
		cidrs = append(cidrs, p.String())
	}
	return cidrs, nil
}

// Contains reports whether inner lies entirely inside outer.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}
