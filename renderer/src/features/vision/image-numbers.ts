// The one numbering of images: #N is an image's place in the whole dataset (N of total), in the grid, the labeling panel and the review.
import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { NO_FILTER } from './shapes'

/** Image id → #N for a dataset, from the same slim index the grid scrolls on (unfiltered). */
export function useImageNumbers(datasetId: string): { numberOf: (imageId: string) => number | undefined; total: number } {
  const client = useClient()
  // Under ['vision', 'images']: refreshed with the grid when images are added or imported.
  const index = useQuery({
    queryKey: queryKey('vision', 'images', datasetId, 'index', NO_FILTER),
    queryFn: () => client.call('vision.imageIndex', { datasetId, filter: NO_FILTER }),
  })
  const numbers = useMemo(() => new Map(index.data?.ids.map((id, i) => [id, index.data!.numbers[i]])), [index.data])
  return { numberOf: (imageId) => numbers.get(imageId), total: index.data?.total ?? 0 }
}
