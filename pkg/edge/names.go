// Package edge is the public edge of the application, as two components so the dependency graph
// stays acyclic (certificates -> compute -> edge):
//
//   - Certificates: the Route 53 hosted zone (looked up or created), the ALB certificate of each
//     region and CloudFront's viewer certificate in us-east-1, all DNS-validated with one validation
//     record per distinct name.
//   - Edge: CloudFront with WAF in front of both regions and the Route 53 failover between them: a
//     fixed PRIMARY (home) / SECONDARY (standby) pair steered by HTTPS health checks on each region's
//     liveness and global-primary paths, so traffic follows the writer with no deploy.
//
// The naming scheme, the health-check plan and the failover budget are pure and live in package
// edgecalc; package trafficmodel evaluates the plan over failover scenarios.
package edge

import "github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"

// Names is the one naming scheme of the edge (see edgecalc.Names).
type Names = edgecalc.Names

// NewNames returns the naming scheme of hostname ("" for the apex) under domain.
func NewNames(hostname, domain string) Names { return edgecalc.NewNames(hostname, domain) }

// FailoverBudget is the traffic failover budget broken down by cause (see edgecalc.FailoverBudget).
type FailoverBudget = edgecalc.FailoverBudget

// BudgetFor is the budget of the health checks, records, ALBs and origins the program builds with
// these health check settings (see edgecalc.TrafficFailoverBudget for the model and its assumptions).
func BudgetFor(intervalSeconds, failureThreshold int) FailoverBudget {
	return edgecalc.BudgetFor(intervalSeconds, failureThreshold)
}
