package policy

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// aclEntry is one network ACL entry.
type aclEntry struct {
	ruleNo   int
	allow    bool
	protocol string
	cidr     netip.Prefix
	from, to int
}

// nacl is a network ACL with its entries and the subnets it guards.
type nacl struct {
	name            string
	ingress, egress []aclEntry
}

func aclEntries(blocks []*Resource) []aclEntry {
	var out []aclEntry
	for _, b := range blocks {
		no, _ := b.number("ruleNo")
		out = append(out, aclEntry{ruleNo: int(no), allow: b.str("action") == "allow", protocol: normalProtocol(b.str("protocol")),
			cidr: parsePrefix(b.str("cidrBlock")), from: intOf(b, "fromPort"), to: intOf(b, "toPort")})
	}
	return out
}

func parsePrefix(s string) netip.Prefix {
	p, _ := netip.ParsePrefix(s)
	return p
}

// allows evaluates entries the way AWS does: lowest rule number first, first match decides, and
// the final implicit rule denies.
func allows(entries []aclEntry, addr netip.Addr, protocol string, port int) bool {
	sorted := append([]aclEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ruleNo < sorted[j].ruleNo })
	for _, e := range sorted {
		if !e.cidr.IsValid() || !e.cidr.Contains(addr) {
			continue
		}
		if e.protocol != "all" && e.protocol != protocol {
			continue
		}
		if e.protocol != "all" && (port < e.from || port > e.to) {
			continue
		}
		return e.allow
	}
	return false
}

// allowAll is AWS's own default network ACL, which admits everything.
var allowAll = &nacl{name: "AWS default network ACL (not adopted)",
	ingress: []aclEntry{{ruleNo: 100, allow: true, protocol: "all", cidr: netip.MustParsePrefix("0.0.0.0/0")}},
	egress:  []aclEntry{{ruleNo: 100, allow: true, protocol: "all", cidr: netip.MustParsePrefix("0.0.0.0/0")}}}

// naclOf returns the network ACL that guards the subnet with key.
func (n *Network) naclOf(key string) *nacl {
	sub := n.resource(key)
	if sub == nil {
		return allowAll
	}
	build := func(r *Resource) *nacl {
		a := &nacl{name: r.Name, ingress: aclEntries(subs(r, "ingress")), egress: aclEntries(subs(r, "egress"))}
		for _, rule := range ofType(n.all, TypeNetworkAclRule) {
			if !rule.refersTo("networkAclId", r) {
				continue
			}
			no, _ := rule.number("ruleNumber")
			e := aclEntry{ruleNo: int(no), allow: rule.str("ruleAction") == "allow", protocol: normalProtocol(rule.str("protocol")),
				cidr: parsePrefix(rule.str("cidrBlock")), from: intOf(rule, "fromPort"), to: intOf(rule, "toPort")}
			if rule.boolean("egress") {
				a.egress = append(a.egress, e)
			} else {
				a.ingress = append(a.ingress, e)
			}
		}
		return a
	}
	for _, acl := range ofType(n.all, TypeNetworkAcl, TypeDefaultNetworkAcl) {
		for _, id := range acl.strings("subnetIds") {
			if n.subnetKey(id) == key {
				return build(acl)
			}
		}
		for _, assoc := range ofType(n.all, TypeNetworkAclAssoc) {
			if assoc.refersTo("networkAclId", acl) && assoc.refersTo("subnetId", sub) {
				return build(acl)
			}
		}
	}
	// Not associated: the VPC's default ACL, with the rules the program gave it if it adopted it.
	for _, acl := range ofType(n.all, TypeDefaultNetworkAcl) {
		return build(acl)
	}
	return allowAll
}

func (n *Network) resource(urn string) *Resource {
	for _, r := range n.all {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

// route is one route of a table.
type route struct {
	destination string
	target      string    // "internet-gateway", "nat-gateway", "egress-only-gateway", or the target id
	nat         *Resource // the NAT gateway it routes through, when the model knows it
}

// routesOf returns the routes of the table that serves the subnet with key, and the table's name.
func (n *Network) routesOf(key string) ([]route, string) {
	sub := n.resource(key)
	var table *Resource
	for _, assoc := range ofType(n.all, TypeRouteTableAssoc) {
		if sub == nil || !assoc.refersTo("subnetId", sub) {
			continue
		}
		for _, t := range ofType(n.all, TypeRouteTable, TypeDefaultRouteTable) {
			if assoc.refersTo("routeTableId", t) {
				table = t
			}
		}
	}
	if table == nil {
		tables := ofType(n.all, TypeDefaultRouteTable)
		if len(tables) == 0 {
			return nil, ""
		}
		table = tables[0]
	}
	var out []route
	add := func(r *Resource, dest string) {
		rt := route{destination: dest, target: n.routeTarget(r)}
		for _, nat := range ofType(n.all, TypeNatGateway) {
			if rt.target == "nat-gateway" && r.refersTo("natGatewayId", nat) {
				rt.nat = nat
			}
		}
		out = append(out, rt)
	}
	for _, r := range subs(table, "routes") {
		add(r, r.str("cidrBlock")+r.str("ipv6CidrBlock"))
	}
	for _, r := range ofType(n.all, TypeRoute) {
		if r.refersTo("routeTableId", table) {
			add(r, r.str("destinationCidrBlock")+r.str("destinationIpv6CidrBlock"))
		}
	}
	return out, table.Name
}

func (n *Network) routeTarget(r *Resource) string {
	if r.set("natGatewayId") {
		return "nat-gateway"
	}
	if r.set("egressOnlyGatewayId") {
		return "egress-only-gateway"
	}
	if gw := r.str("gatewayId"); gw != "" || r.unknown("gatewayId") {
		if strings.HasPrefix(gw, "igw-") || r.unknown("gatewayId") {
			return "internet-gateway"
		}
		for _, igw := range ofType(n.all, TypeInternetGateway) {
			if r.refersTo("gatewayId", igw) {
				return "internet-gateway"
			}
		}
		return gw
	}
	return "other"
}

// SubnetsOfTier returns the names of the subnets of tier ("public", "private", "database"), from
// their Tier tag or, for the database tier, membership of an RDS subnet group.
func (n *Network) SubnetsOfTier(tier string) []string {
	var out []string
	for _, s := range n.sortedSubnets() {
		if s.tier == tier {
			out = append(out, s.name)
		}
	}
	return out
}

func (n *Network) sortedSubnets() []*subnet {
	var out []*subnet
	for _, s := range n.subnets {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// probes are the source addresses the ACL checks try: one outside every VPC, and the first host
// of every subnet.
func (n *Network) probes() map[string]netip.Addr {
	out := map[string]netip.Addr{}
	for _, candidate := range []string{"198.51.100.7", "203.0.113.7", "192.0.2.7"} {
		a := netip.MustParseAddr(candidate)
		if !n.internal(netip.PrefixFrom(a, 32)) {
			out[Internet] = a
			break
		}
	}
	for _, s := range n.subnets {
		if s.cidr.IsValid() {
			out[s.name] = s.cidr.Masked().Addr().Next()
		}
	}
	return out
}

// AdminPorts are SSH and RDP: nothing may reach them.
var AdminPorts = []int{22, 3389}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkACLs proves at the network ACL layer that no admin port below the ephemeral range (SSH) is
// open inbound from anywhere, and that the database tier admits nothing from the internet or the
// public tier. RDP's 3389 lies inside the ephemeral range, which every subnet receiving replies must
// admit (checkReturnTraffic), so the security groups alone keep it closed (Check's flow assertions).
func (n *Network) checkACLs(probePorts []int) []string {
	var out []string
	probes := n.probes()
	for _, s := range n.sortedSubnets() {
		acl := n.naclOf(s.key)
		for _, from := range sortedKeys(probes) {
			addr := probes[from]
			for _, port := range AdminPorts {
				if port >= EphemeralFrom && port <= EphemeralTo {
					continue // return traffic needs it open here; the security groups close it
				}
				if allows(acl.ingress, addr, "tcp", port) {
					out = append(out, fmt.Sprintf("network ACL %s of subnet %s admits tcp %d from %s", acl.name, s.name, port, from))
				}
			}
			fromSubnet := n.subnetNamed(from)
			if s.tier != RoleDatabase || (from != Internet && (fromSubnet == nil || fromSubnet.tier != "public")) {
				continue
			}
			for _, port := range probePorts {
				if allows(acl.ingress, addr, "tcp", port) {
					out = append(out, fmt.Sprintf("network ACL %s of database subnet %s admits tcp %d from %s", acl.name, s.name, port, from))
				}
			}
		}
	}
	return out
}

func (n *Network) subnetNamed(name string) *subnet {
	for _, s := range n.subnets {
		if s.name == name {
			return s
		}
	}
	return nil
}

// checkRoutes proves the database subnets have no route to an internet or NAT gateway.
func (n *Network) checkRoutes() []string {
	var out []string
	for _, s := range n.sortedSubnets() {
		if s.tier != RoleDatabase {
			continue
		}
		routes, table := n.routesOf(s.key)
		if table == "" {
			out = append(out, fmt.Sprintf("database subnet %s uses the VPC's main route table, which the program does not manage", s.name))
			continue
		}
		for _, r := range routes {
			switch r.target {
			case "internet-gateway", "nat-gateway", "egress-only-gateway":
				out = append(out, fmt.Sprintf("database subnet %s routes %s to a %s (route table %s)", s.name, r.destination, r.target, table))
			}
		}
	}
	return out
}
