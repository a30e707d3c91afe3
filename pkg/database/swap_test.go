package database

import (
	"fmt"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// byURN indexes the recorded custom resources (and the component) by URN.
func byURN(m *offline.Mocks) map[string]*offline.Resource {
	out := map[string]*offline.Resource{}
	for _, r := range m.Resources() {
		out[r.URN] = r
	}
	return out
}

// differingInputs lists the top-level inputs whose values differ between a and b (set on one side
// only, or set to different values).
func differingInputs(a, b *offline.Resource) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range a.Inputs {
		keys[k] = true
	}
	for k := range b.Inputs {
		keys[k] = true
	}
	var diff []string
	for k := range keys {
		if !a.Prop(string(k)).DeepEquals(b.Prop(string(k))) {
			diff = append(diff, string(k))
		}
	}
	sort.Strings(diff)
	return diff
}

// The writer is runtime state: after a switchover, failover or failback, the program runs with the
// very same Args (no setting names the writer). So the proof that a later `pulumi preview` plans
// nothing is that two runs register the same resources, on the same providers, with the same
// inputs, parents, protection and ignore lists, and that the only ignored inputs are those a
// failover really changes (ClusterIgnoredChangeReasons), on the clusters alone.
func TestARunAfterAFailoverRegistersTheSameDatabase(t *testing.T) {
	for _, counts := range [][2]int{{1, 1}, {2, 1}} {
		t.Run(fmt.Sprintf("%d+%d instances", counts[0], counts[1]), func(t *testing.T) {
			args := func() *Args {
				a := testArgs(regionA, regionB)
				a.Home.Instances, a.Standby.Instances = counts[0], counts[1]
				return a
			}
			m1, out1 := run(t, "prod", args())
			m2, out2 := run(t, "prod", args())
			r1, r2 := byURN(m1), byURN(m2)
			require.Equal(t, len(r1), len(r2))

			checked := map[string]bool{}
			for urn, a := range r1 {
				b := r2[urn]
				require.NotNil(t, b, "%s is registered in both runs", urn)
				checked[a.Type] = true
				assert.Equal(t, a.ProviderName, b.ProviderName, "%s keeps its provider (a provider change replaces)", a.Name)
				assert.Equal(t, a.Region, b.Region, a.Name)
				assert.Equal(t, a.Protect, b.Protect, a.Name)
				assert.Equal(t, a.Parent, b.Parent, a.Name)
				assert.Empty(t, differingInputs(a, b), "%s %s", a.Type, a.Name)
				assert.Equal(t, a.IgnoreChanges, b.IgnoreChanges, a.Name)
				if a.Type == tCluster {
					assert.ElementsMatch(t, ClusterIgnoredChanges, a.IgnoreChanges, "%s ignores exactly what a failover changes", a.Name)
				} else {
					assert.Empty(t, a.IgnoreChanges, "%s %s ignores nothing: a failover changes none of its inputs", a.Type, a.Name)
				}
			}
			for _, typ := range []string{tGlobal, tCluster, tInstance, tKey, tParams, tSubnets, tSG, tIngress, tRole, tAttach, tSecret, tVersion, tPassword, tComponent} {
				assert.True(t, checked[typ], "%s is registered under the same URN in both runs", typ)
			}
			// The home region keeps primaryInstances, the standby secondaryInstances, in any role.
			assert.Len(t, m1.InRegion(tInstance, regionA), counts[0])
			assert.Len(t, m1.InRegion(tInstance, regionB), counts[1])
			for k, v := range out1 {
				assert.Equal(t, v.Value, out2[k].Value, k)
			}
		})
	}
}

// Every ignored cluster attribute carries its reason, and none of them is globalClusterIdentifier.
func TestEveryIgnoredClusterAttributeHasAReason(t *testing.T) {
	require.NotEmpty(t, ClusterIgnoredChangeReasons)
	for attr, reason := range ClusterIgnoredChangeReasons {
		assert.NotEmpty(t, reason, attr)
	}
	assert.NotContains(t, ClusterIgnoredChanges, "globalClusterIdentifier", "a detached cluster must show in the preview")
	assert.True(t, sort.StringsAreSorted(ClusterIgnoredChanges))
}
