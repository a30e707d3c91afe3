package drills

import (
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/fis"
)

// toActions, toTargets and toStopConditions write a Template in the provider's shapes, in a stable
// order (maps sorted by key) so two runs register identical inputs.

func toActions(t Template) []fis.ExperimentTemplateAction {
	out := make([]fis.ExperimentTemplateAction, 0, len(t.Actions))
	for _, a := range t.Actions {
		var params []fis.ExperimentTemplateActionParameter
		for _, k := range sortedKeys(a.Parameters) {
			params = append(params, fis.ExperimentTemplateActionParameter{Key: k, Value: a.Parameters[k]})
		}
		out = append(out, fis.ExperimentTemplateAction{
			Name:        a.Name,
			ActionId:    a.ActionID,
			Parameters:  params,
			StartAfters: a.StartAfter,
			Target:      &fis.ExperimentTemplateActionTarget{Key: a.TargetKey, Value: a.Target},
		})
	}
	return out
}

func toTargets(t Template) []fis.ExperimentTemplateTarget {
	out := make([]fis.ExperimentTemplateTarget, 0, len(t.Targets))
	for _, tg := range t.Targets {
		var tags []fis.ExperimentTemplateTargetResourceTag
		for _, k := range sortedKeys(tg.ResourceTags) {
			tags = append(tags, fis.ExperimentTemplateTargetResourceTag{Key: k, Value: tg.ResourceTags[k]})
		}
		var filters []fis.ExperimentTemplateTargetFilter
		for _, f := range tg.Filters {
			filters = append(filters, fis.ExperimentTemplateTargetFilter{Path: f.Path, Values: f.Values})
		}
		out = append(out, fis.ExperimentTemplateTarget{
			Name:          tg.Name,
			ResourceType:  tg.ResourceType,
			SelectionMode: tg.SelectionMode,
			ResourceTags:  tags,
			ResourceArns:  tg.ResourceArns,
			Filters:       filters,
			Parameters:    tg.Parameters,
		})
	}
	return out
}

func toStopConditions(t Template) []fis.ExperimentTemplateStopCondition {
	out := make([]fis.ExperimentTemplateStopCondition, 0, len(t.StopAlarmArns))
	for _, arn := range t.StopAlarmArns {
		arn := arn
		out = append(out, fis.ExperimentTemplateStopCondition{Source: StopOnAlarm, Value: &arn})
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
