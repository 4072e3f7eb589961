/**
 * Localities of the plans in ../../../shared/seeds: the city, the wards and communes whose action
 * plans we hold (Bạch Đằng 000, Tân Minh 001, Việt Hòa 003, Vĩnh Am 004) and the five inner wards
 * named by the city plan's electric-motorbike target (002 §II.1.2 (2)). Since 2025 there is no
 * district level: every ward and commune reports to the city.
 */
import type { Locality } from '../../packages/registry/src/index.ts';

const ward = (id: string, name: string, nameEn: string): Locality => ({
  id,
  kind: 'ward',
  name: `Phường ${name}`,
  nameEn: `${nameEn} Ward`,
  parentId: 'hai-phong',
});

const commune = (id: string, name: string, nameEn: string): Locality => ({
  id,
  kind: 'commune',
  name: `Xã ${name}`,
  nameEn: `${nameEn} Commune`,
  parentId: 'hai-phong',
});

export const demoLocalities: readonly Locality[] = [
  { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
  ward('bach-dang', 'Bạch Đằng', 'Bach Dang'),
  ward('viet-hoa', 'Việt Hòa', 'Viet Hoa'),
  commune('tan-minh', 'Tân Minh', 'Tan Minh'),
  commune('vinh-am', 'Vĩnh Am', 'Vinh Am'),
  ward('hong-bang', 'Hồng Bàng', 'Hong Bang'),
  ward('ngo-quyen', 'Ngô Quyền', 'Ngo Quyen'),
  ward('gia-vien', 'Gia Viên', 'Gia Vien'),
  ward('le-chan', 'Lê Chân', 'Le Chan'),
  ward('an-bien', 'An Biên', 'An Bien'),
];
