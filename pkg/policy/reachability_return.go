package policy

import (
	"fmt"
	"net/netip"
	"sort"
)

// Ephemeral ports: NAT gateways and Elastic Load Balancing pick source ports from 1024-65535, and
// a client's operating system anywhere in that range (Linux 32768-60999, Windows 49152-65535). A
// reply goes back to that port, so a network ACL of a subnet that receives replies must admit the
// whole range: a deny inside it (for example RDP's 3389) drops the replies that happen to be
// addressed to that port, one connection in tens of thousands, at random.
const (
	EphemeralFrom = 1024
	EphemeralTo   = 65535
)

// portClass is a range of ports every network ACL entry of the region treats alike.
type portClass struct{ from, to int }

func (c portClass) String() string {
	if c.from == c.to {
		return fmt.Sprint(c.from)
	}
	return fmt.Sprintf("%d-%d", c.from, c.to)
}

// portClasses splits [from, to] at every boundary of every network ACL entry guarding the region's
// subnets. Within one class each entry matches every port or none, so replaying one port per class
// proves the whole range (65,512 ports in a dozen probes).
func (n *Network) portClasses(from, to int) []portClass {
	cuts := map[int]bool{from: true}
	for _, s := range n.sortedSubnets() {
		acl := n.naclOf(s.key)
		for _, entries := range [][]aclEntry{acl.ingress, acl.egress} {
			for _, e := range entries {
				if e.protocol == "all" {
					continue
				}
				for _, c := range []int{e.from, e.to + 1} {
					if c > from && c <= to {
						cuts[c] = true
					}
				}
			}
		}
	}
	var starts []int
	for c := range cuts {
		starts = append(starts, c)
	}
	sort.Ints(starts)
	out := make([]portClass, len(starts))
	for i, s := range starts {
		end := to
		if i+1 < len(starts) {
			end = starts[i+1] - 1
		}
		out[i] = portClass{s, end}
	}
	return out
}

// host is one end of a packet: an address and, inside the VPC, the subnet it sits in.
type host struct {
	addr   netip.Addr
	subnet *subnet // nil outside the region's VPCs
}

// hostOf is the first usable address of subnet s.
func hostOf(s *subnet) host { return host{addr: s.cidr.Masked().Addr().Next(), subnet: s} }

// cross reports whether a TCP packet from a to b on port leaves a's subnet and enters b's, and
// names the network ACL that drops it.
func (n *Network) cross(a, b host, port int) (bool, string) {
	if a.subnet != nil && (b.subnet == nil || a.subnet.key != b.subnet.key) {
		acl := n.naclOf(a.subnet.key)
		if !allows(acl.egress, b.addr, "tcp", port) {
			return false, fmt.Sprintf("network ACL %s of subnet %s (egress to %s)", acl.name, a.subnet.name, b.addr)
		}
	}
	if b.subnet != nil && (a.subnet == nil || a.subnet.key != b.subnet.key) {
		acl := n.naclOf(b.subnet.key)
		if !allows(acl.ingress, a.addr, "tcp", port) {
			return false, fmt.Sprintf("network ACL %s of subnet %s (ingress from %s)", acl.name, b.subnet.name, a.addr)
		}
	}
	return true, ""
}

// hostsOf returns one host per subnet of e that the model can place.
func (n *Network) hostsOf(e Endpoint) []host {
	var out []host
	for _, k := range e.Subnets {
		if s := n.subnets[k]; s != nil && s.cidr.IsValid() {
			out = append(out, hostOf(s))
		}
	}
	return out
}

func (n *Network) endpointNamed(name string) (Endpoint, bool) {
	for _, e := range n.Endpoints {
		if e.Name == name {
			return e, true
		}
	}
	return Endpoint{}, false
}

// checkReturnTraffic replays, packet by packet through the stateless network ACLs, every TCP flow
// the security groups allow (request, then the reply to every ephemeral port class of the client)
// and every connection the endpoints open to the internet (through their subnet's NAT gateway when
// it routes there, whose own source ports are ephemeral too). Security groups are stateful and
// answer on their own; network ACLs are not, so a reply they drop is a connection that hangs.
func (n *Network) checkReturnTraffic() []string {
	var out []string
	classes := n.portClasses(EphemeralFrom, EphemeralTo)
	internet := host{addr: n.probes()[Internet]}
	seen := map[string]bool{}
	report := func(msg string) {
		if !seen[msg] {
			seen[msg] = true
			out = append(out, msg)
		}
	}
	// dropped reports the ports (adjacent classes dropped at the same place merged) a reply is lost on.
	dropped := func(label string, verdict func(port int) (bool, string)) {
		var run *portClass
		var runWhere string
		flush := func() {
			if run != nil {
				report(fmt.Sprintf("return traffic of %s to ports %s is dropped by %s", label, *run, runWhere))
				run = nil
			}
		}
		for _, c := range classes {
			ok, where := verdict(c.from)
			switch {
			case ok:
				flush()
			case run != nil && where == runWhere && run.to+1 == c.from:
				run.to = c.to
			default:
				flush()
				c := c
				run, runWhere = &c, where
			}
		}
		flush()
	}
	// replies: server answers client on each ephemeral class.
	replies := func(label string, server, client host) {
		dropped(label, func(port int) (bool, string) { return n.cross(server, client, port) })
	}
	for _, f := range n.Flows() {
		if f.Protocol != "tcp" {
			continue
		}
		label := fmt.Sprintf("%s -> %s tcp %d", f.From, f.To, f.FromPort)
		dst, ok := n.endpointNamed(f.To)
		if !ok {
			continue
		}
		var clients []host
		if src, ok := n.endpointNamed(f.From); ok {
			clients = n.hostsOf(src)
		} else {
			clients = []host{internet}
		}
		for _, client := range clients {
			for _, server := range n.hostsOf(dst) {
				if ok, where := n.cross(client, server, f.FromPort); !ok {
					report(fmt.Sprintf("request of %s is dropped by %s", label, where))
					continue
				}
				replies(label, server, client)
			}
		}
	}
	for _, e := range n.Endpoints {
		for _, port := range n.internetPorts(e) {
			for _, h := range n.hostsOf(e) {
				label := fmt.Sprintf("%s -> internet tcp %d", e.Name, port)
				nat, routed := n.defaultRoute(h.subnet)
				switch {
				case !routed:
					continue // no path out: nothing to reply to
				case nat != nil:
					gw := hostOf(nat)
					if ok, where := n.cross(h, gw, port); !ok {
						report(fmt.Sprintf("request of %s is dropped by %s", label, where))
						continue
					}
					if ok, where := n.cross(gw, internet, port); !ok {
						report(fmt.Sprintf("request of %s is dropped by %s", label, where))
						continue
					}
					// The server answers the NAT gateway's port; the gateway forwards the reply to the
					// instance's own port, still from the server's address.
					replies(label+" (reply to the NAT gateway)", internet, gw)
					dropped(label, func(port int) (bool, string) {
						leave := n.naclOf(gw.subnet.key)
						if !allows(leave.egress, h.addr, "tcp", port) {
							return false, fmt.Sprintf("network ACL %s of subnet %s (egress to %s)", leave.name, gw.subnet.name, h.addr)
						}
						enter := n.naclOf(h.subnet.key)
						if !allows(enter.ingress, internet.addr, "tcp", port) {
							return false, fmt.Sprintf("network ACL %s of subnet %s (ingress from %s)", enter.name, h.subnet.name, internet.addr)
						}
						return true, ""
					})
				default:
					if ok, where := n.cross(h, internet, port); !ok {
						report(fmt.Sprintf("request of %s is dropped by %s", label, where))
						continue
					}
					replies(label, internet, h)
				}
			}
		}
	}
	return out
}

// internetPorts are the TCP ports e's security groups let out to addresses outside the VPCs (the
// first port of each rule stands for its range).
func (n *Network) internetPorts(e Endpoint) []int {
	var out []int
	for _, gk := range e.Groups {
		g := n.groups[gk]
		if g == nil {
			continue
		}
		for _, r := range g.rules {
			if r.ingress || normalProtocol(r.protocol) != "tcp" {
				continue
			}
			for _, c := range r.cidrs {
				if p, err := netip.ParsePrefix(c); err == nil && p.Addr().Is4() && !n.internal(p) && !containsInt(out, r.from) {
					out = append(out, r.from)
				}
			}
		}
	}
	sort.Ints(out)
	return out
}

func containsInt(list []int, v int) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

// defaultRoute reports whether s routes 0.0.0.0/0 anywhere, and the subnet of the NAT gateway it
// routes through (nil for an internet gateway or another target).
func (n *Network) defaultRoute(s *subnet) (*subnet, bool) {
	routes, table := n.routesOf(s.key)
	if table == "" {
		return nil, false
	}
	for _, r := range routes {
		if r.destination != "0.0.0.0/0" {
			continue
		}
		if r.nat == nil {
			return nil, true
		}
		if gw := n.subnets[n.subnetKey(r.nat.str("subnetId"))]; gw != nil && gw.cidr.IsValid() {
			return gw, true
		}
		for _, sub := range ofType(n.all, TypeSubnet) {
			if r.nat.refersTo("subnetId", sub) && n.subnets[sub.URN] != nil {
				return n.subnets[sub.URN], true
			}
		}
		return nil, true
	}
	return nil, false
}
