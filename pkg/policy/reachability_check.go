package policy

import "fmt"

// Expectations are the only paths the design allows: viewers reach the ALB on 443 through
// CloudFront's origin-facing prefix list, the ALB reaches the instances on the app port, and the
// instances reach the database on its port.
type Expectations struct {
	AppPort              int
	DatabasePort         int
	CloudFrontPrefixList string // the prefix list id in this region
	// HealthCheckPrefixList is the route53-healthchecks prefix list id in this region: Route 53's
	// checkers may reach the ALB on 443 too (the listener forwards them only the health paths).
	HealthCheckPrefixList string
}

// allowed is one permitted kind of flow.
type allowed struct {
	from, fromRole, toRole string
	port                   int
}

func (w Expectations) allowlist() []allowed {
	list := []allowed{
		{from: "prefix-list:" + w.CloudFrontPrefixList, fromRole: "prefix-list", toRole: RoleALB, port: 443},
		{fromRole: RoleALB, toRole: RoleInstances, port: w.AppPort},
		{fromRole: RoleInstances, toRole: RoleDatabase, port: w.DatabasePort},
	}
	if w.HealthCheckPrefixList != "" {
		list = append(list, allowed{from: "prefix-list:" + w.HealthCheckPrefixList, fromRole: "prefix-list", toRole: RoleALB, port: 443})
	}
	return list
}

// permitted reports whether flow is one the design allows: exactly TCP on the one port.
func (w Expectations) permitted(f Flow) bool {
	for _, a := range w.allowlist() {
		if (a.from == "" || a.from == f.From) && a.fromRole == f.FromRole && a.toRole == f.ToRole &&
			f.Protocol == "tcp" && f.FromPort == a.port && f.ToPort == a.port {
			return true
		}
	}
	return false
}

// Check runs every reachability assertion over the network and returns one message per breach:
//   - every flow the security groups allow is on the allowlist (so the internet reaches only the
//     ALB on 443 only from CloudFront's prefix list, the ALB only the app port of the instances,
//     and only the instances the database port);
//   - no flow reaches port 22 or 3389;
//   - no network ACL admits 22 (3389 lies in the ephemeral range, closed by the security groups
//     above), and database subnets admit nothing from the internet or the public tier;
//   - every TCP flow the security groups allow, and every connection to the internet (through the
//     NAT gateway), crosses the stateless network ACLs both ways: the request, and the reply to
//     every ephemeral port class of the client;
//   - database subnets have no route to an internet or NAT gateway.
func (n *Network) Check(want Expectations) []string {
	var out []string
	for _, f := range n.Flows() {
		if !want.permitted(f) {
			out = append(out, "unexpected path: "+f.String())
		}
		for _, port := range AdminPorts {
			if f.Covers(port) {
				out = append(out, fmt.Sprintf("port %d is reachable: %s", port, f))
			}
		}
	}
	probePorts := append([]int{443, 80, want.AppPort, want.DatabasePort}, AdminPorts...)
	out = append(out, n.checkACLs(probePorts)...)
	out = append(out, n.checkRoutes()...)
	out = append(out, n.checkReturnTraffic()...)
	return out
}
