package policy

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Reachability is a small analysis of who can reach whom, on which ports, from the security groups
// (inline and standalone rules, referenced groups, prefix lists), network ACLs and route tables a
// program registers. It answers with the flows the security groups allow; the assertions compare
// those flows with an allowlist, so any new rule that opens a path shows up as an unexpected flow.

// Well-known roles of endpoints.
const (
	RoleALB       = "alb"
	RoleInstances = "instances"
	RoleDatabase  = "database"
	// Internet is the source of any address outside the region's VPCs.
	Internet = "internet"
)

// Endpoint is something that holds security groups and sits in subnets.
type Endpoint struct {
	Name    string
	Role    string   // RoleALB, RoleInstances, RoleDatabase, or the type token for anything else
	Groups  []string // security group keys
	Subnets []string // subnet keys
}

// Flow is traffic the security groups allow from one principal to an endpoint.
type Flow struct {
	From     string // Internet, "prefix-list:<id>" or an endpoint name
	FromRole string // Internet, "prefix-list" or the endpoint's role
	To       string
	ToRole   string
	Protocol string // "tcp", "udp", "icmp", "all" or a protocol number
	FromPort int
	ToPort   int
	Via      string // the ingress rule that admits it
}

func (f Flow) String() string {
	return fmt.Sprintf("%s (%s) -> %s (%s) %s %d-%d via %s", f.From, f.FromRole, f.To, f.ToRole, f.Protocol, f.FromPort, f.ToPort, f.Via)
}

// Covers reports whether the flow admits port on a TCP/UDP protocol.
func (f Flow) Covers(port int) bool {
	return f.Protocol != "icmp" && f.FromPort <= port && port <= f.ToPort
}

type subnet struct {
	key, name, vpc, tier string
	cidr                 netip.Prefix
}

type group struct {
	key, name string
	rules     []sgRule
}

// Network is the recorded network of one region.
type Network struct {
	Region    string
	Endpoints []Endpoint
	vpcCidrs  []netip.Prefix
	subnets   map[string]*subnet
	groups    map[string]*group
	all       []*Resource
}

// Networks builds the model of every region the resources are in.
func Networks(all []*Resource) map[string]*Network {
	byRegion := map[string][]*Resource{}
	for _, r := range all {
		byRegion[r.Region()] = append(byRegion[r.Region()], r)
	}
	out := map[string]*Network{}
	for region, rs := range byRegion {
		if len(ofType(rs, TypeVpc, TypeSecurityGroup)) > 0 {
			out[region] = NewNetwork(region, rs)
		}
	}
	return out
}

// NewNetwork builds the model of one region's resources.
func NewNetwork(region string, rs []*Resource) *Network {
	n := &Network{Region: region, subnets: map[string]*subnet{}, groups: map[string]*group{}, all: rs}
	for _, v := range ofType(rs, TypeVpc) {
		if p, err := netip.ParsePrefix(v.str("cidrBlock")); err == nil {
			n.vpcCidrs = append(n.vpcCidrs, p)
		}
	}
	for _, s := range ofType(rs, TypeSubnet) {
		p, _ := netip.ParsePrefix(s.str("cidrBlock"))
		n.subnets[s.URN] = &subnet{key: s.URN, name: s.Name, vpc: s.str("vpcId"), cidr: p, tier: strings.ToLower(s.str("tags.Tier"))}
	}
	for _, sg := range ofType(rs, TypeSecurityGroup, TypeDefaultSecurityGroup) {
		g := &group{key: sg.URN, name: sg.Name, rules: inlineRules(sg)}
		for _, rule := range referrers(rs, sg, "securityGroupId", standaloneRuleTypes...) {
			g.rules = append(g.rules, standaloneRule(rule))
		}
		n.groups[sg.URN] = g
	}
	for _, id := range n.databaseSubnetKeys() {
		n.subnets[id].tier = RoleDatabase
	}
	n.Endpoints = n.endpoints()
	return n
}

// groupKey resolves a security group id as written in an input to the group's key.
func (n *Network) groupKey(id string) string {
	for _, sg := range ofType(n.all, TypeSecurityGroup, TypeDefaultSecurityGroup) {
		for _, ident := range sg.identifiers() {
			if ident == id {
				return sg.URN
			}
		}
	}
	return id
}

func (n *Network) subnetKey(id string) string {
	for _, s := range ofType(n.all, TypeSubnet) {
		for _, ident := range s.identifiers() {
			if ident == id {
				return s.URN
			}
		}
	}
	return id
}

func (n *Network) groupKeys(ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, n.groupKey(id))
	}
	return out
}

func (n *Network) subnetKeys(ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, n.subnetKey(id))
	}
	return out
}

// databaseSubnetKeys are the subnets of every RDS subnet group.
func (n *Network) databaseSubnetKeys() []string {
	var out []string
	for _, g := range ofType(n.all, TypeRdsSubnetGroup) {
		for _, k := range n.subnetKeys(g.strings("subnetIds")) {
			if n.subnets[k] != nil {
				out = append(out, k)
			}
		}
	}
	return out
}

// endpoints finds everything that holds security groups.
func (n *Network) endpoints() []Endpoint {
	var out []Endpoint
	for _, r := range n.all {
		var e Endpoint
		switch {
		case containsString(loadBalancerTypes, r.Type):
			subnets := r.strings("subnets")
			for _, m := range subs(r, "subnetMappings") {
				subnets = append(subnets, m.str("subnetId"))
			}
			e = Endpoint{Role: RoleALB, Groups: n.groupKeys(r.strings("securityGroups")), Subnets: n.subnetKeys(subnets)}
		case r.Type == TypeLaunchTemplate:
			ids := r.strings("vpcSecurityGroupIds")
			for _, ni := range subs(r, "networkInterfaces") {
				ids = append(ids, ni.strings("securityGroups")...)
			}
			var subnets []string
			for _, asg := range referrers(n.all, r, "launchTemplate.id", TypeAutoscalingGroup) {
				subnets = append(subnets, asg.strings("vpcZoneIdentifiers")...)
			}
			e = Endpoint{Role: RoleInstances, Groups: n.groupKeys(ids), Subnets: n.subnetKeys(subnets)}
		case r.Type == TypeInstance:
			e = Endpoint{Role: RoleInstances, Groups: n.groupKeys(append(r.strings("vpcSecurityGroupIds"), r.strings("securityGroups")...)),
				Subnets: n.subnetKeys([]string{r.str("subnetId")})}
		case r.Type == TypeRdsCluster:
			var subnets []string
			for _, g := range ofType(n.all, TypeRdsSubnetGroup) {
				if r.refersTo("dbSubnetGroupName", g) {
					subnets = append(subnets, g.strings("subnetIds")...)
				}
			}
			e = Endpoint{Role: RoleDatabase, Groups: n.groupKeys(r.strings("vpcSecurityGroupIds")), Subnets: n.subnetKeys(subnets)}
		default:
			ids := append(r.strings("securityGroupIds"), r.strings("vpcSecurityGroupIds")...)
			ids = append(ids, r.strings("vpcConfig.securityGroupIds")...)
			if len(ids) == 0 {
				continue
			}
			e = Endpoint{Role: r.Type, Groups: n.groupKeys(ids),
				Subnets: n.subnetKeys(append(r.strings("subnetIds"), r.strings("vpcConfig.subnetIds")...))}
		}
		e.Name = r.Name
		out = append(out, e)
	}
	return out
}

// internal reports whether cidr lies entirely inside one of the region's VPCs.
func (n *Network) internal(cidr netip.Prefix) bool {
	for _, v := range n.vpcCidrs {
		if v.Bits() <= cidr.Bits() && v.Contains(cidr.Addr()) {
			return true
		}
	}
	return false
}

// inCidr reports whether any subnet of e overlaps cidr. An endpoint whose subnets the model cannot
// place may be anywhere, so it counts as inside every CIDR (the analysis errs towards more flows).
func (n *Network) inCidr(e Endpoint, cidr netip.Prefix) bool {
	if !n.located(e) {
		return true
	}
	for _, k := range e.Subnets {
		if s := n.subnets[k]; s != nil && s.cidr.IsValid() && s.cidr.Overlaps(cidr) {
			return true
		}
	}
	return false
}

// located reports whether the model knows a subnet (with its CIDR) of e.
func (n *Network) located(e Endpoint) bool {
	for _, k := range e.Subnets {
		if s := n.subnets[k]; s != nil && s.cidr.IsValid() {
			return true
		}
	}
	return false
}

func holds(e Endpoint, groupKey string) bool { return containsString(e.Groups, groupKey) }

// matches reports whether a rule's peer (its cidrs, groups, self) includes endpoint e. self is the
// group the rule belongs to.
func (n *Network) matches(rule sgRule, self string, e Endpoint) bool {
	for _, c := range rule.cidrs {
		if p, err := netip.ParsePrefix(c); err == nil && n.inCidr(e, p) {
			return true
		}
	}
	for _, g := range rule.groups {
		if holds(e, n.groupKey(g)) {
			return true
		}
	}
	return rule.self && holds(e, self)
}

func normalProtocol(p string) string {
	switch strings.ToLower(p) {
	case "-1", "all", "":
		return "all"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	}
	return strings.ToLower(p)
}

// intersect returns the protocol and port range two rules share.
func intersect(a, b sgRule) (string, int, int, bool) {
	pa, pb := normalProtocol(a.protocol), normalProtocol(b.protocol)
	proto := pa
	switch {
	case pa == "all":
		proto = pb
	case pb == "all":
	case pa != pb:
		return "", 0, 0, false
	}
	from, to := max(portsOf(a), portsOf(b)), min(portsTo(a), portsTo(b))
	if from > to {
		return "", 0, 0, false
	}
	return proto, from, to, true
}

func portsOf(r sgRule) int {
	if normalProtocol(r.protocol) == "all" {
		return 0
	}
	return r.from
}

func portsTo(r sgRule) int {
	if normalProtocol(r.protocol) == "all" {
		return 65535
	}
	return r.to
}

// Flows returns every flow the security groups allow into an endpoint: from the internet (any
// address outside the VPCs), from prefix lists, and from other endpoints whose own groups let the
// traffic out.
func (n *Network) Flows() []Flow {
	var out []Flow
	for _, dst := range n.Endpoints {
		for _, gk := range dst.Groups {
			g := n.groups[gk]
			if g == nil {
				continue
			}
			for _, in := range g.rules {
				if !in.ingress {
					continue
				}
				out = append(out, n.externalFlows(in, dst)...)
				for _, src := range n.Endpoints {
					if !n.matches(in, gk, src) { // an endpoint may reach itself (instances of one group)
						continue
					}
					out = append(out, n.egressFlows(src, dst, in)...)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	// One flow per path: several egress rules (one per database subnet) may admit the same one.
	unique := out[:0]
	for i, f := range out {
		if i == 0 || f.String() != out[i-1].String() {
			unique = append(unique, f)
		}
	}
	return unique
}

func (n *Network) externalFlows(in sgRule, dst Endpoint) []Flow {
	var out []Flow
	add := func(from, role string) {
		proto, lo, hi, _ := intersect(in, sgRule{protocol: "all"})
		out = append(out, Flow{From: from, FromRole: role, To: dst.Name, ToRole: dst.Role, Protocol: proto, FromPort: lo, ToPort: hi, Via: in.where})
	}
	for _, c := range in.cidrs {
		if p, err := netip.ParsePrefix(c); err == nil && !n.internal(p) {
			add(Internet, Internet)
		}
	}
	for _, pl := range in.prefixLists {
		add("prefix-list:"+pl, "prefix-list")
	}
	return out
}

// egressFlows returns what src's groups let out towards dst that the ingress rule in admits.
func (n *Network) egressFlows(src, dst Endpoint, in sgRule) []Flow {
	var out []Flow
	for _, sk := range src.Groups {
		g := n.groups[sk]
		if g == nil {
			continue
		}
		for _, eg := range g.rules {
			if eg.ingress || !n.egressReaches(eg, sk, dst) {
				continue
			}
			if proto, lo, hi, ok := intersect(in, eg); ok {
				out = append(out, Flow{From: src.Name, FromRole: src.Role, To: dst.Name, ToRole: dst.Role, Protocol: proto, FromPort: lo, ToPort: hi, Via: in.where})
			}
		}
	}
	return out
}

// egressReaches reports whether an egress rule's destination includes dst.
func (n *Network) egressReaches(eg sgRule, self string, dst Endpoint) bool {
	for _, c := range eg.cidrs {
		if p, err := netip.ParsePrefix(c); err == nil && n.inCidr(dst, p) {
			return true
		}
	}
	return n.matches(sgRule{groups: eg.groups, self: eg.self}, self, dst)
}

// HasRole reports whether some endpoint of the network plays role.
func (n *Network) HasRole(role string) bool {
	for _, e := range n.Endpoints {
		if e.Role == role {
			return true
		}
	}
	return false
}
