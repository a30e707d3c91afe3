package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Each committed stack's default budget covers its own estimate with MinBudgetHeadroom, and the
// estimate while failed over, from the same price table the plan prints. The default lives in
// stacks (which pkg/plan imports); this test is what keeps the number true.
func TestDefaultBudgetCoversEachStacksEstimate(t *testing.T) {
	for _, stack := range []string{stacks.Prod, stacks.Staging} {
		t.Run(stack, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi."+stack+".yaml"))
			require.NoError(t, err)
			require.NotContains(t, string(raw), "monthlyBudgetUsd", "the stack uses its default budget")

			out, _ := mustPlan(t, "--stack", stack, "--format", "json")
			var r Report
			require.NoError(t, json.Unmarshal([]byte(out), &r))
			c := r.Cost
			assert.Equal(t, stacks.DefaultMonthlyBudgetUsd(stack), c.BudgetUsd, "plan reports the stack's budget")
			require.Greater(t, c.MonthlyTotal, 0.0)
			assert.GreaterOrEqual(t, c.BudgetUsd, MinBudgetHeadroom*c.MonthlyTotal,
				"default budget %v must be at least %vx the estimate %v", c.BudgetUsd, MinBudgetHeadroom, c.MonthlyTotal)
			assert.GreaterOrEqual(t, c.BudgetUsd, c.FailedOver.MonthlyTotal, "a month failed over fits the budget too")
			assert.Empty(t, c.Warnings)
		})
	}
}

// A budget below the estimate is reported, with the smallest budget that would fit.
func TestBudgetWarnings(t *testing.T) {
	c := Cost{MonthlyTotal: 600, BudgetUsd: 500, FailedOver: FailedOverCost{ServingRegion: "us-west-2", MonthlyTotal: 650}}
	w := budgetWarnings(c)
	require.Len(t, w, 2)
	assert.Contains(t, w[0], "the estimate $600.00 exceeds the budget $500.00 (observability.monthlyBudgetUsd)")
	assert.Contains(t, w[0], "at least $720.00")
	assert.Contains(t, w[1], "failed over to us-west-2 the estimate is $650.00")

	c.BudgetUsd = 640
	w = budgetWarnings(c)
	require.Len(t, w, 1)
	assert.True(t, strings.HasPrefix(w[0], "failed over"))

	c.BudgetUsd = 720
	assert.Empty(t, budgetWarnings(c))
}

// Failed over, every Auto Scaling group runs the active capacity and the serving region's ALB
// carries the capacity units; the failed region's resources are still billed.
func TestFailedOverCostScalesTheStandby(t *testing.T) {
	lt := res("aws:ec2/launchTemplate:LaunchTemplate", "lt", "us-west-2", map[string]any{"instanceType": "t3.small"})
	ltEast := res("aws:ec2/launchTemplate:LaunchTemplate", "lt-east", "us-east-1", map[string]any{"instanceType": "t3.small"})
	recorded := []*offline.Resource{
		ltEast, lt,
		res("aws:autoscaling/group:Group", "east", "us-east-1", map[string]any{"desiredCapacity": 3.0, "launchTemplate": map[string]any{"id": "lt-east-id"}}),
		res("aws:autoscaling/group:Group", "west", "us-west-2", map[string]any{"desiredCapacity": 1.0, "launchTemplate": map[string]any{"id": "lt-id"}}),
		res("aws:lb/loadBalancer:LoadBalancer", "alb-east", "us-east-1", map[string]any{"internal": true}),
		res("aws:lb/loadBalancer:LoadBalancer", "alb-west", "us-west-2", map[string]any{"internal": true}),
	}
	g := newGraph(recorded, nil)
	normal := estimate(g, Prices, DefaultUsage(), "us-east-1", "us-west-2")
	failed := estimateWith(&pricing{g: g, usage: DefaultUsage(), primary: "us-west-2", hours: HoursPerMonth, fullCapacity: 3}, Prices, "us-east-1", "us-west-2")
	qty := func(c Cost, key string) float64 {
		for _, it := range c.Items {
			if it.Region+"/"+it.Item == key {
				return it.Quantity
			}
		}
		return -1
	}
	assert.Equal(t, 730.0, qty(normal, "us-west-2/EC2 t3.small (desired capacity)"))
	assert.Equal(t, 3*730.0, qty(failed, "us-west-2/EC2 t3.small (desired capacity)"))
	assert.Equal(t, 3*730.0, qty(failed, "us-east-1/EC2 t3.small (desired capacity)"), "the failed region still bills")
	assert.Equal(t, 0.0, qty(failed, "us-east-1/ALB capacity units"))
	assert.Equal(t, 730.0, qty(failed, "us-west-2/ALB capacity units"))
	// 2 more t3.small for a month in us-west-2; the capacity units only move.
	assert.InDelta(t, 2*730*0.0208, failed.MonthlyTotal-normal.MonthlyTotal, 0.011)
}

// CloudFront's always-free tier covers the first 1 TB and 10 million requests of the month.
func TestCloudFrontFreeTier(t *testing.T) {
	g := newGraph([]*offline.Resource{res("aws:cloudfront/distribution:Distribution", "cdn", "us-east-1", nil)}, nil)
	for _, tc := range []struct {
		gb, requests, want float64
	}{
		{100, 10, 0},
		{1000, 10, 0},
		{1500, 10, 500 * 0.085},
		{100, 25, 15 * 1.00},
	} {
		u := DefaultUsage()
		u.CloudFrontGB, u.RequestsMillions = tc.gb, tc.requests
		c := estimate(g, Prices, u, "us-east-1", "us-west-2")
		assert.InDelta(t, tc.want, c.MonthlyTotal, 0.001, "%v GB, %v M requests", tc.gb, tc.requests)
	}
}
