package observability

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// newNotifications builds one region's customer-managed key, its encrypted alarm topic, the topic
// policy and the email subscriptions.
func (o *Observability) newNotifications(ctx *pulumi.Context, name string, s *site, acct kmskey.Account, args *Args) (*regional, error) {
	prefix := fmt.Sprintf("%s-%s", name, s.region)
	key, err := kmskey.New(ctx, prefix+"-key", kmskey.Args{
		Description: fmt.Sprintf("Alarm topic and backup vault of %s in %s", name, s.region),
		Account:     acct,
		Services:    keyGrants(acct),
	}, o.opts(s, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, err
	}
	topic, err := sns.NewTopic(ctx, prefix+"-alarms", &sns.TopicArgs{
		DisplayName:    pulumi.String(fmt.Sprintf("%s alarms (%s)", name, s.region)),
		KmsMasterKeyId: key.Arn,
		Tags:           nameTag(prefix + "-alarms"),
	}, o.opts(s)...)
	if err != nil {
		return nil, err
	}
	policy, err := sns.NewTopicPolicy(ctx, prefix+"-alarms-policy", &sns.TopicPolicyArgs{
		Arn: topic.Arn,
		Policy: topic.Arn.ApplyT(func(arn string) string {
			return topicPolicy(acct, arn).JSON()
		}).(pulumi.StringOutput),
	}, o.opts(s)...)
	if err != nil {
		return nil, err
	}
	for _, email := range args.AlarmEmails {
		// Named by a hash of the address, so reordering the list replaces no subscription.
		if _, err := sns.NewTopicSubscription(ctx, fmt.Sprintf("%s-alarms-email-%08x", prefix, emailHash(email)), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(email),
		}, o.opts(s)...); err != nil {
			return nil, err
		}
	}
	// The topic's ARN is handed on through its policy (whose arn is the topic's), so every alarm, rule
	// and component that publishes to the topic waits for the policy that admits it.
	return &regional{site: s, acct: acct, keyArn: key.Arn, topicArn: policy.Arn, topicPolicy: policy}, nil
}

func emailHash(email string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(email)))
	return h.Sum32()
}
