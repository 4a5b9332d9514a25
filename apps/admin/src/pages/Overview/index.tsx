import '@mantine/charts/styles.css';
import { AreaChart, BarChart } from '@mantine/charts';
import { Card, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';
import { OVERVIEW_RANGES, type OverviewRange } from '@latchkey/contracts';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { oneOf, useSearchState } from '../../hooks/use-search-state';
import { useOverview } from '../../resources/overview/queries';
import { activityRows, verificationRows } from './chart-data';

const RANGE_LABELS: Record<OverviewRange, string> = {
  '24h': '24 hours',
  '7d': '7 days',
  '30d': '30 days',
};

const LIVE_LABELS: [kind: string, label: string][] = [
  ['personal_access_token', 'Live personal access tokens'],
  ['account_token', 'Live account API tokens'],
  ['api_key', 'Live API keys'],
  ['opaque_token', 'Live opaque tokens'],
];

/** A count with its name, as a labelled region so it reads as "name: value". */
function Count({
  label,
  value,
  hint,
}: {
  label: string;
  value: number | undefined;
  hint?: string;
}) {
  const id = useId();
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={id}>
      <Text id={id} size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={700} data-testid="overview-count">
        {value ?? '—'}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
}

/** A chart in a figure whose caption names it, for screen readers and axe alike. */
function ChartCard({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <Card withBorder padding="md" component="figure" aria-labelledby={id} m={0}>
      <Stack gap={4} mb="sm" component="figcaption" id={id}>
        <Title order={2} size="h4">
          {title}
        </Title>
        <Text size="sm" c="dimmed">
          {description}
        </Text>
      </Stack>
      {children}
    </Card>
  );
}

export function OverviewPage() {
  const { params, update } = useSearchState();
  const range = oneOf(OVERVIEW_RANGES, params.get('range')) ?? '24h';
  const overview = useOverview(range);
  const data = overview.data;
  const per = data?.bucket === 'day' ? 'per day' : 'per hour';
  const activity = data ? activityRows(data) : [];
  const verifications = data ? verificationRows(data) : { rows: [], series: [] };
  const counts = data?.counts;

  return (
    <>
      <PageHeader
        title="Overview"
        description="Activity on this server and the credentials worth a look. Times are UTC."
        action={
          <SegmentedControl
            aria-label="Range"
            value={range}
            onChange={(value) => update({ range: value === '24h' ? null : value })}
            data={OVERVIEW_RANGES.map((value) => ({ value, label: RANGE_LABELS[value] }))}
          />
        }
      />
      <Stack>
        <ProblemAlert error={overview.error} />
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          {LIVE_LABELS.map(([kind, label]) => (
            <Count key={kind} label={label} value={counts?.liveByKind[kind]} />
          ))}
          <Count
            label="Expiring within 7 days"
            value={counts?.expiringWithin7Days}
            hint="Live credentials"
          />
          <Count label="Never expiring" value={counts?.neverExpiring} hint="Live credentials" />
          <Count
            label="Unused for 90 days"
            value={counts?.unusedFor90Days}
            hint="Live credentials"
          />
          <Count
            label="Security events (24 h)"
            value={counts?.securityEvents24h}
            hint="Failed checks, refusals, reuse, leaks"
          />
        </SimpleGrid>
        <ChartCard
          title="Sign-ins"
          description={`Successful and failed sign-ins ${per}, last ${RANGE_LABELS[range]}.`}
        >
          <AreaChart
            h={240}
            data={activity}
            dataKey="at"
            withLegend
            curveType="linear"
            series={[
              { name: 'signIns', label: 'Sign-ins', color: 'teal.6' },
              { name: 'failedSignIns', label: 'Failed sign-ins', color: 'red.6' },
            ]}
          />
        </ChartCard>
        <Group grow align="stretch" wrap="wrap">
          <ChartCard
            title="Rate-limit refusals"
            description={`Requests refused with 429 ${per}, last ${RANGE_LABELS[range]}.`}
          >
            <BarChart
              h={240}
              data={activity}
              dataKey="at"
              series={[{ name: 'rateLimited', label: 'Refused', color: 'orange.6' }]}
            />
          </ChartCard>
          <ChartCard
            title="Verifications by credential kind"
            description={`Verified requests ${per}, stacked by kind, last ${RANGE_LABELS[range]}.`}
          >
            <BarChart
              h={240}
              data={verifications.rows}
              dataKey="at"
              type="stacked"
              withLegend
              series={verifications.series}
            />
          </ChartCard>
        </Group>
      </Stack>
    </>
  );
}
