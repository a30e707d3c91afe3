package detector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScenarios(t *testing.T) {
	for _, tc := range scenarios() {
		t.Run(tc.name, func(t *testing.T) {
			out := Simulate(tc.sc)
			var minutes []int
			for _, p := range out.Promotions {
				minutes = append(minutes, p.Minute)
			}
			assert.Equal(t, tc.wantPromotions, minutes, "promotions")
			if len(tc.wantPromotions) > 0 {
				require.NotEmpty(t, out.Promotions)
				assert.Equal(t, tc.wantMode, out.Promotions[0].Mode)
				require.NotNil(t, out.Promotions[0].LastLagMs)
				assert.Equal(t, tc.wantLastLag, *out.Promotions[0].LastLagMs)
			}
			pages := map[string][]int{}
			for _, p := range out.Pages {
				pages[p.Alarm] = append(pages[p.Alarm], p.Minute)
			}
			assert.Equal(t, tc.wantPromotePages, pages[AlarmPromote], "promote pages")
			assert.Equal(t, tc.wantSwitchoverPages, pages[AlarmSwitchover], "switchover-recommended pages")
			assert.Equal(t, tc.wantDegradedPages, pages[AlarmDegraded], "degraded pages")
			assert.Len(t, out.Pages, len(pages[AlarmPromote])+len(pages[AlarmSwitchover])+len(pages[AlarmDegraded]), "no other alarm")
			assert.Equal(t, tc.wantIgnoredStarts, out.IgnoredStarts, "starts the runbook refused")
		})
	}
}

// A bad deploy is never a promotion, whatever N: the database keeps replicating.
func TestBadDeployNeverPromotesForAnyN(t *testing.T) {
	for n := 1; n <= 30; n++ {
		out := Simulate(Scenario{Mode: ModeAuto, AfterMinutes: n, Start: t0, Steps: badDeploy(120)})
		assert.Empty(t, out.Promotions, "N=%d", n)
	}
}

// A dark region promotes on exactly its Nth dark minute, for every allowed N.
func TestDarkRegionPromotesAfterExactlyN(t *testing.T) {
	for n := 1; n <= 30; n++ {
		out := Simulate(Scenario{Mode: ModeAuto, AfterMinutes: n, Start: t0, Steps: concat(healthy(3), dark(40, 400))})
		require.Len(t, out.Promotions, 1, "N=%d", n)
		assert.Equal(t, 3+n-1, out.Promotions[0].Minute, "N=%d", n)
	}
}

func TestClassify(t *testing.T) {
	s := Settings{}
	base := Probe{Now: t0, OwnRole: RoleSecondary, ExecutionsKnown: true, WriterAPIAnswers: true, WriterAvailable: true, DNSAnswers: true}
	for _, tc := range []struct {
		name   string
		change func(*Probe)
		want   Verdict
	}{
		{"healthy", func(p *Probe) { p.AppStatus, p.LagMs = 200, ms(100) },
			Verdict{Watching: true, WriterAppUp: true, WriterVeto: true, Mode: Switchover}},
		{"3xx is not up", func(p *Probe) { p.AppStatus, p.LagMs = 301, ms(100) },
			Verdict{Watching: true, WriterVeto: true, Degraded: true, Mode: Switchover}},
		{"lag exactly at the threshold and equal to the previous counts as stopped", func(p *Probe) {
			p.AppStatus, p.LagMs, p.PrevLagMs, p.WriterAPIAnswers, p.DNSOnStandby = 0, ms(DefaultStallMs), ms(DefaultStallMs), false, true
		}, Verdict{Watching: true, ReplicationStopped: true, DNSOnStandby: true, RegionDark: true, Degraded: true, PromoteSignal: true, Mode: Failover}},
		{"lag just below the threshold is flowing", func(p *Probe) { p.AppStatus, p.LagMs = 0, ms(DefaultStallMs-1) },
			Verdict{Watching: true, WriterVeto: true, Degraded: true, Mode: Switchover}},
		{"available but API answered is needed for switchover", func(p *Probe) {
			p.AppStatus, p.LagMs, p.WriterAvailable, p.DNSOnStandby = 0, ms(60000), false, true
		}, Verdict{Watching: true, ReplicationStopped: true, DNSOnStandby: true, RegionDark: true, Degraded: true, PromoteSignal: true, Mode: Failover}},
		{"dark by the regional signals but DNS on home is a partition, not a region loss", func(p *Probe) {
			p.AppStatus, p.LagMs, p.WriterAPIAnswers, p.WriterAvailable = 0, ms(60000), false, false
		}, Verdict{Watching: true, ReplicationStopped: true, Degraded: true, Mode: Failover}},
		{"the app answering while DNS names the standby recommends a switchover", func(p *Probe) {
			p.AppStatus, p.LagMs, p.DNSOnStandby = 200, ms(100), true
		}, Verdict{Watching: true, WriterAppUp: true, WriterVeto: true, DNSOnStandby: true, SwitchoverRecommended: true, Mode: Switchover}},
		{"an unanswered DNS lookup is degraded evidence and never on the standby", func(p *Probe) {
			p.AppStatus, p.LagMs, p.DNSAnswers, p.DNSOnStandby = 200, ms(100), false, true
		}, Verdict{Watching: true, WriterAppUp: true, WriterVeto: true, Degraded: true, Mode: Switchover}},
		{"the writer the RDS API shows available vetoes a dark-looking minute", func(p *Probe) { p.AppStatus, p.LagMs = 503, ms(60000) },
			Verdict{Watching: true, ReplicationStopped: true, WriterVeto: true, Degraded: true, Mode: Switchover}},
		{"writer role is idle", func(p *Probe) { p.OwnRole, p.AppStatus, p.LagMs = RoleWriter, 0, ms(90000) },
			Verdict{ReplicationStopped: true, Mode: Switchover}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			tc.change(&p)
			assert.Equal(t, tc.want, Classify(s, p))
		})
	}
}
