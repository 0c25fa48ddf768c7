import type { TagInfo } from '../../../../preload/contract'

export interface FolderNode {
  name: string
  path: string[]
  folders: FolderNode[]
  tagCount: number
}

/** Builds the ISA-95 folder tree (enterprise/site/area/line/machine) from the tags' paths. */
export function buildFolderTree(tags: readonly TagInfo[]): FolderNode {
  const root: FolderNode = { name: 'All tags', path: [], folders: [], tagCount: 0 }
  for (const tag of tags) {
    let node = root
    node.tagCount += 1
    for (const segment of tag.path) {
      let child = node.folders.find((f) => f.name === segment)
      if (!child) {
        child = { name: segment, path: [...node.path, segment], folders: [], tagCount: 0 }
        node.folders.push(child)
      }
      child.tagCount += 1
      node = child
    }
  }
  return root
}

export const inFolder = (tag: TagInfo, folder: readonly string[]): boolean => folder.every((segment, i) => tag.path[i] === segment)
